#!/bin/bash
# Runs the shipping visible suite (`check-in-image.sh suite`: go test -p 1 ./...) or the kit smoke
# test (`check-in-image.sh smoke`) in the go-web image, against a container of the harness's
# postgres service image on a network of their own; all labelled evals.helper=codebase-go and
# removed. The repository is copied to /repo and the fixture images' `warm` command (codebase.yaml)
# runs first, so the timings are a grading run's. Needs the images built and .venv; run it through
# `heavy` on a shared machine.
set -u
cd "$(dirname "$0")/../.."   # the evals checkout
read GO PG WARM < <(.venv/bin/python -c "
from pathlib import Path
from evals.images import stack_image_tag as t
from evals.codebases import load_codebase
import shlex
cb = load_codebase(Path('codebases').resolve(), 'shipping')
print(t('go-web'), t('postgres'), shlex.quote(cb.warm))")
LABEL=evals.helper=codebase-go
NET=shgo-net-$$
DB=shgo-db-$$
cleanup() { docker rm -f $DB >/dev/null 2>&1; docker network rm $NET >/dev/null 2>&1; }
trap cleanup EXIT
docker network create --label $LABEL $NET >/dev/null
docker run -d --name $DB --label $LABEL --network $NET --network-alias db $PG >/dev/null
for i in $(seq 1 100); do docker exec $DB pg_isready -q -h 127.0.0.1 -U postgres && break; sleep 0.3; done
docker exec $DB psql -q -U postgres -c "ALTER ROLE postgres PASSWORD 'smoke-secret'"
MODE=${1:-suite}
docker run --rm --label $LABEL --network $NET \
  -e DATABASE_URL=postgresql+psycopg://app:app@db:5432/app \
  -e EVALS_PG_PASSWORD=smoke-secret -e EVALS_APP_ENV=DATABASE_URL -e MODE=$MODE -e WARM="$(eval echo $WARM)" \
  -v $PWD/codebases/shipping/repo:/src:ro -v $PWD/kit:/kit/kit:ro -v $PWD/codebases/shipping/kit:/kit/sk:ro \
  $GO sh -c '
    set -e
    go version
    tar -C /src --exclude=./bin -cf - . | tar -C /repo -xf -
    start=$(date +%s); sh -c "$WARM"; echo "warm: $(( $(date +%s) - start )) s"
    chown -R app:app /repo
    if [ "$MODE" = suite ]; then
      start=$(date +%s)
      su app -s /bin/sh -c "cd /repo && DATABASE_URL=$DATABASE_URL go test -p 1 ./..." 2>&1 | tail -25
      echo "suite: $(( $(date +%s) - start )) s"
    else
      mkdir -p /tmp/smoke && cp /kit/sk/test_shipkit_smoke.py /tmp/smoke/
      cd /tmp/smoke && PYTHONPATH=/kit/kit:/kit/sk python -m pytest -q -p no:cacheprovider --timeout 300 --durations=5 test_shipkit_smoke.py 2>&1 | tail -20
    fi'
