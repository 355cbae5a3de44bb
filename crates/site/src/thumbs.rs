//! Thumbnails of entry photos for cards and galleries, named by a hash of the photo so that a
//! rebuild reuses the previous site's copy instead of decoding the photo again.

use std::io::Cursor;
use std::path::Path;

use image::{ImageFormat, ImageReader};

/// Thumbnails fit in this width (twice a card's CSS width, for sharp phone screens).
pub const WIDTH: u32 = 640;
/// ... and this height.
pub const HEIGHT: u32 = 480;
const QUALITY: u8 = 78;

/// A thumbnail, as the page needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumb {
    /// The file name under `thumbs/`.
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// A photo that could not be made into a thumbnail.
#[derive(Debug)]
pub struct ThumbError {
    pub reason: String,
}

/// The thumbnail of the photo `bytes`: taken from `previous` (the last build's `thumbs/`) when
/// there, else made. Returns it and, when made or copied, the bytes to write.
pub fn thumbnail(bytes: &[u8], previous: Option<&Path>) -> Result<(Thumb, Vec<u8>), ThumbError> {
    // `o`: turned upright as the photo's orientation says. Thumbnails made before (sideways
    // for a phone's portrait photo) are not reused.
    let name = format!("{:016x}-{WIDTH}o.jpg", fnv1a(bytes));
    if let Some(prev) = previous
        && let Ok(old) = std::fs::read(prev.join(&name))
        && let Ok((width, height)) = dimensions(&old)
    {
        return Ok((
            Thumb {
                name,
                width,
                height,
            },
            old,
        ));
    }
    let image = upright(bytes).map_err(|e| ThumbError {
        reason: e.to_string(),
    })?;
    let small = if image.width() > WIDTH || image.height() > HEIGHT {
        image.thumbnail(WIDTH, HEIGHT)
    } else {
        image
    };
    let rgb = small.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&rgb)
        .map_err(|e| ThumbError {
            reason: e.to_string(),
        })?;
    Ok((
        Thumb {
            name,
            width: rgb.width(),
            height: rgb.height(),
        },
        out,
    ))
}

/// The photo decoded and turned as its EXIF orientation says: a phone stores a portrait photo
/// on its side with a tag saying so, and browsers show the photo itself upright. A thumbnail
/// without the turn showed it sideways on the cards, while the portal's own preview (the
/// browser's) showed it upright.
fn upright(bytes: &[u8]) -> image::ImageResult<image::DynamicImage> {
    use image::ImageDecoder;
    let mut decoder = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()?
        .into_decoder()?;
    // An orientation that cannot be read leaves the photo as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = image::DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Width and height from an image's header, without decoding it.
pub fn dimensions(bytes: &[u8]) -> Result<(u32, u32), ThumbError> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.format().is_some().then_some(r))
        .ok_or_else(|| ThumbError {
            reason: "not an image".into(),
        })?
        .into_dimensions()
        .map_err(|e| ThumbError {
            reason: e.to_string(),
        })
}

/// Whether the image crate (as built here) reads this extension.
pub fn can_read(ext: &str) -> bool {
    ImageFormat::from_extension(ext)
        .is_some_and(|f| matches!(f, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP))
}

/// FNV-1a, 64 bits: stable across Rust versions (unlike `DefaultHasher`), so names survive an
/// upgrade; a cache key, not a defence against anyone.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn large_photos_shrink_keeping_their_shape_and_small_ones_stay() {
        let (t, bytes) = thumbnail(&jpeg(1600, 900), None).unwrap();
        assert_eq!((t.width, t.height), (640, 360));
        assert_eq!(dimensions(&bytes).unwrap(), (640, 360));
        let (t, _) = thumbnail(&jpeg(300, 200), None).unwrap();
        assert_eq!((t.width, t.height), (300, 200));
    }

    /// A phone's portrait photo: stored on its side (wide), with an EXIF orientation of 6
    /// (turn it a quarter clockwise to view).
    fn sideways_photo() -> Vec<u8> {
        // Stored: the left half red, the right half blue.
        let img = image::RgbImage::from_fn(200, 100, |x, _| {
            if x < 100 {
                image::Rgb([220, 20, 20])
            } else {
                image::Rgb([20, 20, 220])
            }
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&img)
            .unwrap();
        // An APP1 segment after the start marker: "Exif", a big-endian TIFF header, and one
        // directory entry, Orientation (0x0112), a SHORT, 6.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&(exif.len() as u16 + 2).to_be_bytes());
        out.extend_from_slice(&exif);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn a_photo_stored_on_its_side_is_made_upright() {
        let (t, bytes) = thumbnail(&sideways_photo(), None).unwrap();
        assert_eq!(
            (t.width, t.height),
            (100, 200),
            "portrait, as the phone shows it"
        );
        let thumb = image::load_from_memory(&bytes).unwrap().to_rgb8();
        // A quarter turn clockwise puts the stored left (red) on top.
        let (top, bottom) = (thumb.get_pixel(50, 20), thumb.get_pixel(50, 180));
        assert!(top[0] > 150 && top[2] < 100, "top {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "bottom {bottom:?}");
    }

    #[test]
    fn a_previous_thumbnail_is_reused_and_garbage_is_an_error() {
        let photo = jpeg(800, 800);
        let (t, bytes) = thumbnail(&photo, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // A marker the encoder would never produce proves the copy was reused, not remade.
        let mut cached = bytes.clone();
        cached.extend_from_slice(b"cached");
        std::fs::write(dir.path().join(&t.name), &cached).unwrap();
        let (again, reused) = thumbnail(&photo, Some(dir.path())).unwrap();
        assert_eq!(again, t);
        assert_eq!(reused, cached);
        assert!(thumbnail(b"not a photo", None).is_err());
    }
}
