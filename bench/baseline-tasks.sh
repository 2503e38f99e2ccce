#!/bin/sh
# The shell baseline of the execution benchmark: what a careful script does for each task of a
# plan, one after another in plan order, with the git CLI alone: the git operations the
# execution runner performs (bench/execution.bench.mjs). A worktree on a new branch from the
# base, the agent in it, the task commit, the task's check in its checkout, the merge made
# without touching the user's checkout (merge-tree + commit-tree) and checked out on its own
# (the merge queue tests exactly that commit), the check again there, the base fast-forwarded
# to it, the worktrees and the branch removed.
#   sh bench/baseline-tasks.sh <repo> <agent-seconds-file> <task id> [<task id> ...]
set -eu
repo=$1 seconds=$2
shift 2
cd "$repo"
mkdir -p "$repo/.git/bench-worktrees"
for id in "$@"; do
  branch="bench/execution/$id"
  wt="$repo/.git/bench-worktrees/$id"
  candidate="$repo/.git/bench-worktrees/integration-$id"
  git worktree add --quiet -b "$branch" "$wt" main
  # The agent: the same command the runner's config gives the tasks.
  (cd "$wt" && sleep "$(cat "$seconds")" && mkdir -p "out/$id" && echo "$id" >"out/$id/done.txt")
  git -C "$wt" status --porcelain >/dev/null
  git -C "$wt" add --all
  git -C "$wt" commit --quiet --no-verify -m "execution: $id (attempt 1)" -m "Workstream: execution
Task: $id"
  (cd "$wt" && true)
  tip=$(git rev-parse main)
  tree=$(git merge-tree --write-tree "$tip" "$branch")
  merge=$(git commit-tree "$tree" -p "$tip" -p "$branch" -m "execution: merge $id into main" -m "Workstream: execution
Task: $id")
  git worktree add --quiet --detach "$candidate" "$merge"
  (cd "$candidate" && true)
  git worktree remove --force "$candidate"
  git merge --ff-only --quiet "$merge"
  git worktree remove --force "$wt"
  git branch --quiet -D "$branch"
done
