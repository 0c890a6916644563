#!/bin/bash
# Uses Docker: on a shared machine run it through the Docker semaphore (`heavy`).
# The example hidden tests, as the grader runs hidden tests: root in the python-web image, the
# code under test as user app from /repo, the kit beside the tests, the superuser's password set.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
CODEBASE=$(dirname "$HERE")
KIT=$(cd "$CODEBASE/../../kit" && pwd)
PYIMG=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^evals/python-web:' | head -1)
PGIMG=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^evals/postgres:' | head -1)
RDIMG=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^evals/redis:' | head -1)
NET=commerce-dev-net
cleanup() {
  docker rm -f commerce-dev-db commerce-dev-redis >/dev/null 2>&1
  docker network rm $NET >/dev/null 2>&1
}
trap cleanup EXIT
cleanup
docker network create --label commerce-dev=1 $NET >/dev/null
docker run -d --label commerce-dev=1 --name commerce-dev-db --network $NET --network-alias db $PGIMG >/dev/null
docker run -d --label commerce-dev=1 --name commerce-dev-redis --network $NET --network-alias redis $RDIMG >/dev/null
for i in $(seq 1 120); do docker exec commerce-dev-db pg_isready -q -h 127.0.0.1 -U postgres && break; sleep 0.5; done
for i in $(seq 1 60); do docker exec commerce-dev-redis redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
docker exec -u postgres commerce-dev-db psql -q -U postgres -d postgres -c "ALTER ROLE postgres PASSWORD 'kit-secret'"
docker run --rm --label commerce-dev=1 --network $NET --cpus 1 --memory 2g \
  -e DATABASE_URL=postgresql+psycopg://app:app@db:5432/app -e REDIS_URL=redis://redis:6379/0 \
  -e EVALS_PG_PASSWORD=kit-secret -e EVALS_APP_ENV=DATABASE_URL,REDIS_URL \
  -v "$CODEBASE":/src:ro -v "$KIT":/srckit:ro $PYIMG sh -c '
    set -e
    rm -rf /repo && cp -r /src/repo /repo && chown -R app:app /repo
    mkdir -p /grader/kit /grader/tests && cp -r /srckit/gradekit /src/kit/commercekit /grader/kit/ && cp /src/examples/test_*.py /grader/tests/
    chmod -R go-rwx /grader
    cd /grader/tests && PYTHONPATH=/grader/kit python -m pytest -p no:cacheprovider -q -s --timeout 300 . 2>&1 | tail -15
  '
echo "exit: $?"
