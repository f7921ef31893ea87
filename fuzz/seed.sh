#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs from the test fixtures (the corpus directories
# are not committed). Run from anywhere; safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures
mkdir -p corpus/{feed,opml,config,sanitize,extract,render}
cp "$fixtures"/feeds/*.xml "$fixtures"/feeds/*.rdf "$fixtures"/feeds/*.json \
   "$fixtures"/feeds/*.html "$fixtures"/feeds/rtl/*.xml corpus/feed/
cp seeds/opml/* corpus/opml/
cp ../config.example.toml corpus/config/
cp seeds/sanitize/* corpus/sanitize/
cp "$fixtures"/feeds/rss20_entities.xml corpus/sanitize/
for page in "$fixtures"/pages/*.html "$fixtures"/pages/regional/*.html; do
  cp "$page" corpus/extract/
  # The render target's first byte picks the width.
  { printf 'P'; cat "$page"; } > "corpus/render/$(basename "$page")"
done
# The ten smallest pages of the extraction benchmark: big inputs slow every execution.
for page in $(ls -S "$fixtures"/extraction-bench/html/*.html.gz | tail -n 10); do
  name=$(basename "$page" .gz)
  gzip -dc "$page" > "corpus/extract/$name"
done
# Regression inputs found earlier are seeds too.
for target in feed opml config sanitize extract render; do
  if [ -d "$fixtures/fuzz/$target" ]; then
    cp "$fixtures/fuzz/$target"/* "corpus/$target/" 2>/dev/null || true
  fi
done
