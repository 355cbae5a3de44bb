# Install shenbao: download the release archive of version SHENBAO_VERSION, check its SHA-256, unpack it;
# without a release archive (or not on x86_64 Linux), build it from the source repository's tag of that version.
asset=@RELEASE_ASSET@
url="$SHENBAO_REPOSITORY/releases/download/v$SHENBAO_VERSION/$asset"
bin="${CARGO_HOME:-$HOME/.cargo}/bin"
work=$(mktemp -d)
mkdir -p "$bin"
if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] &&
  curl -fsSL --retry 3 -o "$work/$asset" "$url" &&
  curl -fsSL --retry 3 -o "$work/$asset.sha256" "$url.sha256"; then
  # SHENBAO_SHA256 if set, else the checksum file on the release page; on a mismatch stop: never run a program not checked.
  want="${SHENBAO_SHA256:-$(cut -d ' ' -f 1 "$work/$asset.sha256")}"
  (cd "$work" && echo "$want  $asset" | sha256sum -c -) || {
    echo "The release archive's SHA-256 is not $want: stopped." >&2
    exit 1
  }
  tar -xzf "$work/$asset" -C "$bin" shenbao
else
  echo "No release archive of v$SHENBAO_VERSION: building it from source instead."
  cargo install --locked --git "$SHENBAO_REPOSITORY" --tag "v$SHENBAO_VERSION" --root "${CARGO_HOME:-$HOME/.cargo}" shenbao
fi
rm -rf "$work"
"$bin/shenbao" --version
