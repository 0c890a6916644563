#!/bin/bash
# Uses Docker: on a shared machine run it through the Docker semaphore (`heavy`).
# Run the commerce visible suite (and alembic on an empty DB) in the sandbox images.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
CODEBASE=$(dirname "$HERE")
KIT=$(cd "$CODEBASE/../../kit" && pwd)
REPO=$CODEBASE/repo
PYIMG=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^evals/python-web:' | head -1)
PGIMG=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^evals/postgres:' | head -1)
RDIMG=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^evals/redis:' | head -1)
echo "images: $PYIMG $PGIMG $RDIMG"
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
for i in $(seq 1 120); do
  docker exec commerce-dev-db pg_isready -q -h 127.0.0.1 -U postgres && break; sleep 0.5
done
for i in $(seq 1 60); do
  docker exec commerce-dev-redis redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5
done
docker run --rm --label commerce-dev=1 --network $NET --cpus 1 --memory 2g \
  -e DATABASE_URL=postgresql+psycopg://app:app@db:5432/app -e REDIS_URL=redis://redis:6379/0 \
  -v "$REPO":/src:ro $PYIMG sh -c '
    set -e
    cp -r /src /repo-copy && chown -R app:app /repo-copy && cd /repo-copy
    echo "== alembic upgrade head on an empty database (as app)"
    su app -s /bin/sh -c "PATH=/opt/venv/bin:\$PATH DATABASE_URL=$DATABASE_URL alembic upgrade head" 2>&1 | tail -3
    su app -s /bin/sh -c "PATH=/opt/venv/bin:\$PATH DATABASE_URL=$DATABASE_URL alembic current" 2>&1 | tail -1
    echo "== pytest (as app)"
    su app -s /bin/sh -c "PATH=/opt/venv/bin:\$PATH DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL HOME=/home/app python -m pytest -p no:cacheprovider" 2>&1 | tail -25
  '
echo "exit: $?"
