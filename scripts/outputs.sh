#!/usr/bin/env bash
# Every output of every command, for comparing two builds of shenbao byte for byte.
#
#   scripts/outputs.sh BIN OUT
#
# runs BIN (a shenbao binary) on copies of the sample campaign, the test fixtures and a generated
# 1,000-entry campaign with git history, and writes each command's standard output, standard error,
# exit status and written files under OUT. Two builds give the same bytes when `diff -r` of their
# OUTs is empty:
#
#   git worktree add ../before main && (cd ../before && cargo build --release)
#   scripts/outputs.sh ../before/target/release/shenbao /tmp/before
#   cargo build --release && scripts/outputs.sh target/release/shenbao /tmp/after
#   diff -r /tmp/before /tmp/after
#
# The campaigns are copied to the same fixed place on each run, so paths in the output match.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath "$1")"
out="$(realpath -m "$2")"
work="${TMPDIR:-/tmp}/shenbao-outputs"
rm -rf "$out" "$work"
mkdir -p "$out" "$work"

# Git dates fixed, so that commits (and arrival times) are the same on every run.
export GIT_AUTHOR_DATE="2017-11-20T09:00:00+08:00" GIT_COMMITTER_DATE="2017-11-20T09:00:00+08:00"
export GIT_AUTHOR_NAME=outputs GIT_AUTHOR_EMAIL=outputs@example.org
export GIT_COMMITTER_NAME=outputs GIT_COMMITTER_EMAIL=outputs@example.org
export NO_COLOR=1

copy() { # copy SRC NAME: a campaign folder, committed in one commit
  mkdir -p "$work/$2"
  local parts=()
  for part in campaign.yaml content submissions; do [ -e "$1/$part" ] && parts+=("$part"); done
  (cd "$1" && tar cf - "${parts[@]}") | tar xf - -C "$work/$2"
  git -C "$work/$2" init -q -b main
  git -C "$work/$2" add -A
  git -C "$work/$2" commit -q -m "$2"
}
copy "$here" sample
for f in valid site broken; do copy "$here/tests/fixtures/$f" "$f"; done
python3 "$here/../shared/bench/gen_campaign.py" "$work/gen1000" 1000 --commits 20 >/dev/null

run() { # run NAME CAMPAIGN ARGS...: one command, its outputs under OUT/CAMPAIGN/NAME.*
  local name="$1" campaign="$2"
  shift 2
  local dir="$out/$campaign"
  mkdir -p "$dir"
  set +e
  (cd "$work/$campaign" && "$bin" "$@" >"$dir/$name.stdout" 2>"$dir/$name.stderr")
  echo $? >"$dir/$name.status"
  set -e
}

for c in sample valid site broken gen1000; do
  for format in human json github sarif gitlab; do
    run "check-$format" "$c" check --format "$format"
    run "check-$format-en" "$c" --lang en check --format "$format"
  done
  run check-final "$c" check --final
  run check-final-en "$c" --lang en check --final --format json
  run check-deny-warnings "$c" check --deny-warnings
  run check-no-cache "$c" check --no-cache --format json
  run status "$c" status
  run status-en "$c" --lang en status
  run status-json "$c" status --format json
  for format in csv json html; do
    run "roster-$format" "$c" roster --format "$format"
  done
  run roster-xlsx "$c" roster --format xlsx --out "$out/$c/roster.xlsx"
  unit="$(ls "$work/$c/submissions" | head -1)"
  if [ -n "$unit" ]; then
    for format in csv json html; do
      run "roster-unit-$format" "$c" roster --unit "$unit" --format "$format"
    done
  fi
  run schema "$c" schema
  run codeowners "$c" codeowners
  run build "$c" build --out "$work/out/$c/public"
  run build-drafts "$c" build --drafts --base-url /award/2017/ --out "$work/out/$c/public-drafts"
  run build-json "$c" build --format json --out "$work/out/$c/public-json"
  run build-en "$c" --lang en build --out "$work/out/$c/public-en"
  mv "$work/out/$c"/* "$out/$c/" 2>/dev/null || true
  if [ -n "$unit" ]; then
    run new "$c" new "$unit" "一个新的项目" --slug outputs-new
    find "$work/$c/submissions" -name 'outputs-new.md' -exec cp {} "$out/$c/new.md" \;
  fi
done
run init sample init "$work/init-out"
(cd "$work/init-out" && find . -type f | sort | xargs sha256sum) >"$out/init.files"
# How long a build took is not output.
sed -i -E 's/[0-9]+\.[0-9]+ (秒|s)/T \1/' "$out"/*/build*.stderr
