#!/bin/sh
# Submits the shards as one array job and the merge as a job that waits for all of them
# (docs/scale-out.md). Needs the AWS CLI, the job definition registered and the queue made:
#   aws batch register-job-definition --cli-input-json file://deploy/aws-batch/job-definition.json
set -eu
here=$(dirname "$0")
array=$(aws batch submit-job --cli-input-json "file://$here/array-job.json" --query jobId --output text)
sed "s/ARRAY_JOB_ID/$array/" "$here/merge-job.json" > "${TMPDIR:-/tmp}/mvt-build-merge-job.json"
aws batch submit-job --cli-input-json "file://${TMPDIR:-/tmp}/mvt-build-merge-job.json" --query jobId --output text
