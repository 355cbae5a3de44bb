//! A minimal static file server for the browser tests and the search benchmark: built sites are
//! loaded over HTTP, as readers get them (a 404 answered with the site's own 404 page). Nothing
//! is cached (`Cache-Control: no-store`), so a page always loads what it asks for.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

/// Serve `root`; the site's address, ending in `/`.
pub fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(stream, &root));
        }
    });
    url
}

/// Answer the requests of one connection, kept open for the next one as static hosts keep
/// them (closed after 5 s idle).
fn answer(stream: TcpStream, root: &Path) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    // A response is sent at once, not held back for the acknowledgement of the one before.
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(&stream);
    loop {
        let mut line = String::new();
        if !reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            return;
        }
        // The headers, to their end: the next request follows them.
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let (head, body) = response(&line, root);
        let mut whole = head.into_bytes();
        whole.extend_from_slice(&body);
        if (&stream).write_all(&whole).is_err() {
            return;
        }
    }
}

/// The head and body answering the request line `line`.
fn response(line: &str, root: &Path) -> (String, Vec<u8>) {
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path);
    let mut file = root.to_path_buf();
    let mut ok = true;
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        ok &= part != "..";
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let (status, file) = match std::fs::read(&file) {
        Ok(bytes) if ok => ("200 OK", (file, bytes)),
        _ => (
            "404 Not Found",
            (
                root.join("404.html"),
                std::fs::read(root.join("404.html")).unwrap_or_default(),
            ),
        ),
    };
    let (file, body) = file;
    let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" | "mjs" => "text/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "xml" => "application/xml",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\r\n",
        body.len()
    );
    (head, body)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
