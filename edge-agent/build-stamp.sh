#!/bin/sh
# Writes the build stamp that the agent reports as tmm_version (run by Maven; see pom.xml):
# version=<UTC date>-<commit>-<clean|dirty>, or <UTC date>-no-git when git or the repository is missing.
set -u
out="$1"
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if commit=$(git -C "$(dirname "$0")" rev-parse --short=12 HEAD 2>/dev/null) \
    && changes=$(git -C "$(dirname "$0")" status --porcelain --untracked-files=no 2>/dev/null); then
  if [ -z "$changes" ]; then state=clean; else state=dirty; fi
  stamp="$date-$commit-$state"
else
  stamp="$date-no-git"
fi
mkdir -p "$(dirname "$out")"
echo "version=$stamp" > "$out"
