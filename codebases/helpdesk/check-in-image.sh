#!/bin/bash
# Runs the helpdesk visible suite (`check-in-image.sh suite`: pytest) or the kit smoke test
# (`check-in-image.sh smoke`) in the python-web image, as the app user for the suite, against
# containers of the harness's postgres and redis service images on a network of their own; all
# labelled evals.helper=codebase-dj and removed. Needs the images built (`evals images build`)
# and .venv; run it through `heavy` on a shared machine.
set -u
cd "$(dirname "$0")/../.."   # the evals checkout
read PY PG REDIS < <(.venv/bin/python -c "
from evals.images import stack_image_tag as t
print(t('python-web'), t('postgres'), t('redis'))")
LABEL=evals.helper=codebase-dj
NET=hddj-net-$$
DB=hddj-db-$$
RD=hddj-redis-$$
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
  -v $PWD/codebases/helpdesk/repo:/src:ro -v $PWD/kit:/kit/kit:ro -v $PWD/codebases/helpdesk/kit:/kit/hd:ro \
  $PY sh -c '
    set -e
    python --version; python -c "import django, rest_framework, gunicorn; print(django.__version__, rest_framework.__version__, gunicorn.__version__)"
    tar -C /src -cf - . | tar -C /repo -xf -
    chown -R app:app /repo
    if [ "$MODE" = suite ]; then
      su app -s /bin/sh -c "cd /repo && python -m pytest -q -p no:cacheprovider -x" 2>&1 | tail -15
    else
      mkdir -p /tmp/smoke && cp /kit/hd/test_helpdeskkit_smoke.py /tmp/smoke/
      cd /tmp/smoke && PYTHONPATH=/kit/kit:/kit/hd python -m pytest -q -p no:cacheprovider --timeout 300 test_helpdeskkit_smoke.py 2>&1 | tail -15
    fi'
