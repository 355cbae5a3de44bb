# 安装 shenbao：下载 SHENBAO_VERSION 版的发布包，核对 SHA-256 后解压；
# 没有发布包（或不是 x86_64 Linux）时，从源码仓库的同版本标签编译安装。
asset=@RELEASE_ASSET@
url="$SHENBAO_REPOSITORY/releases/download/v$SHENBAO_VERSION/$asset"
bin="${CARGO_HOME:-$HOME/.cargo}/bin"
work=$(mktemp -d)
mkdir -p "$bin"
if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] &&
  curl -fsSL --retry 3 -o "$work/$asset" "$url" &&
  curl -fsSL --retry 3 -o "$work/$asset.sha256" "$url.sha256"; then
  # SHENBAO_SHA256 非空时以它为准，否则以发布页上的校验文件为准；不符则停止，绝不运行未经核对的程序。
  want="${SHENBAO_SHA256:-$(cut -d ' ' -f 1 "$work/$asset.sha256")}"
  (cd "$work" && echo "$want  $asset" | sha256sum -c -) || {
    echo "发布包的 SHA-256 与 $want 不符：已停止。" >&2
    exit 1
  }
  tar -xzf "$work/$asset" -C "$bin" shenbao
else
  echo "未取得 v$SHENBAO_VERSION 的发布包，改为从源码编译安装。"
  cargo install --locked --git "$SHENBAO_REPOSITORY" --tag "v$SHENBAO_VERSION" --root "${CARGO_HOME:-$HOME/.cargo}" shenbao
fi
rm -rf "$work"
"$bin/shenbao" --version
