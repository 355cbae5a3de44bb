# shenbao in a small image: `docker build -t shenbao .`, then in a campaign's folder
#   docker run --rm -v "$PWD:/campaign" -u "$(id -u):$(id -g)" shenbao check
# (any command: build, status, roster …). Built with the Rust image, run on Debian slim with git,
# since shenbao reads the campaign's git history.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=symbols \
    cargo build --release --locked --bin shenbao

FROM debian:bookworm-slim
# A mounted campaign belongs to another user than the container's: let git and libgit2 read it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && git config --system --add safe.directory '*'
COPY --from=build /src/target/release/shenbao /usr/local/bin/shenbao
WORKDIR /campaign
ENTRYPOINT ["shenbao"]
CMD ["check"]
