#!/bin/sh
# The shell baseline of the phase benchmark: what a careful script does for one planning phase
# with the git CLI alone, the same git operations phaserunner performs (bench/phase.bench.mjs):
# a worktree on a new branch, the agent in it, the phase commit, a merge made without touching
# the user's checkout (merge-tree + commit-tree) and fast-forwarded into it, the worktree removed.
#   sh bench/baseline-phases.sh <repo> <fixtures> <phase>:<name> [<phase>:<name> ...]
set -eu
repo=$1 fixtures=$2
shift 2
cd "$repo"
for spec in "$@"; do
  phase=${spec%%:*} name=${spec#*:}
  branch="bench/planning/$phase-$name"
  wt="$repo/.git/bench-worktrees/$phase-$name"
  git worktree add --quiet -b "$branch" "$wt" main
  # The agent: the same no-op copy the runner's config gives it.
  (cd "$wt" && cp -R "$fixtures/phase-$phase/." .)
  git -C "$wt" status --porcelain >/dev/null
  git -C "$wt" add --all
  git -C "$wt" commit --quiet --no-verify -m "planning: phase $phase $name (attempt 1)" \
    -m "Workstream: planning
Phase: $phase
Phase-Name: $name"
  tree=$(git merge-tree --write-tree main "$branch")
  merge=$(git commit-tree "$tree" -p main -p "$branch" -m "planning: merge phase $phase $name into main" \
    -m "Workstream: planning
Phase: $phase
Phase-Name: $name")
  git merge --ff-only --quiet "$merge"
  git worktree remove --force "$wt"
done
