#!/bin/bash
# Runs the bookings visible suite (`check-in-image.sh suite`: npm test) or the kit smoke test
# (`check-in-image.sh smoke`) in the node-web image, against containers of the harness's postgres and
# redis service images on a network of their own; all labelled evals.helper=codebase-ts and removed.
# Needs the images built (`evals images build`) and .venv; run it through `heavy` on a shared machine.
set -u
cd "$(dirname "$0")/../.."   # the evals checkout
read NODE PG REDIS < <(.venv/bin/python -c "
from evals.images import stack_image_tag as t
print(t('node-web'), t('postgres'), t('redis'))")
LABEL=evals.helper=codebase-ts
NET=bkts-net-$$
DB=bkts-db-$$
RD=bkts-redis-$$
cleanup() { docker rm -f $DB $RD >/dev/null 2>&1; docker network rm $NET >/dev/null 2>&1; }
trap cleanup EXIT
docker network create --label $LABEL $NET >/dev/null
docker run -d --name $DB --label $LABEL --network $NET --network-alias db $PG >/dev/null
docker run -d --name $RD --label $LABEL --network $NET --network-alias redis $REDIS >/dev/null
for i in $(seq 1 100); do docker exec $DB pg_isready -q -h 127.0.0.1 -U postgres && break; sleep 0.3; done
for i in $(seq 1 100); do docker exec $RD redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.3; done
docker exec $DB psql -q -U postgres -c "ALTER ROLE postgres PASSWORD 'smoke-secret'"
MODE=${1:-suite}
docker run --rm --label $LABEL --network $NET \
  -e DATABASE_URL=postgresql+psycopg://app:app@db:5432/app -e REDIS_URL=redis://redis:6379/0 \
  -e EVALS_PG_PASSWORD=smoke-secret -e EVALS_APP_ENV=DATABASE_URL,REDIS_URL -e MODE=$MODE \
  -v $PWD/codebases/bookings/repo:/src:ro -v $PWD/kit:/kit/kit:ro -v $PWD/codebases/bookings/kit:/kit/bk:ro \
  $NODE sh -c '
    set -e
    node --version; npm --version
    tar -C /src --exclude=./node_modules --exclude=./dist --exclude=./dist-test -cf - . | tar -C /repo -xf -
    chown -R app:app /repo
    ls -la /repo/node_modules | head -1
    if [ "$MODE" = suite ]; then
      su app -s /bin/sh -c "cd /repo && npm test" 2>&1 | tail -15
    else
      mkdir -p /tmp/smoke && cp /kit/bk/test_bookingskit_smoke.py /tmp/smoke/
      cd /tmp/smoke && PYTHONPATH=/kit/kit:/kit/bk python -m pytest -q -p no:cacheprovider --timeout 300 test_bookingskit_smoke.py 2>&1 | tail -15
    fi'
