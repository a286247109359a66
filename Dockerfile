# HCRM server with the web app. Build: docker build -t hcrm .
FROM rust:1.95-bookworm AS build
WORKDIR /src
# Node (Debian's) gives the web build wasm-opt (npm's binaryen) and brotli copies of the assets.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY . .
RUN scripts/build-web.sh && cargo build --release -p hcrm-server

FROM debian:bookworm-slim
RUN useradd --system --home /var/lib/hcrm hcrm && mkdir -p /var/lib/hcrm && chown hcrm /var/lib/hcrm
COPY --from=build /src/target/release/hcrm /usr/local/bin/hcrm
COPY --from=build /src/frontend/dist /usr/local/share/hcrm/dist
ENV HCRM_BIND=0.0.0.0:8080 HCRM_WEB_DIR=/usr/local/share/hcrm/dist DATABASE_URL=sqlite:///var/lib/hcrm/hcrm.db
USER hcrm
WORKDIR /var/lib/hcrm
EXPOSE 8080
CMD ["hcrm", "serve"]
