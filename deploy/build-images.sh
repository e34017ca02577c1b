#!/usr/bin/env bash
# Builds Warren's container images without any image registry:
#
#   warren-base-jre:bookworm     minimal Debian bookworm with openjdk-17-jre-headless (debootstrap)
#   warren-prometheus:bookworm   minimal Debian bookworm with Debian's prometheus package
#   warren:dev                   the node, deploy/Dockerfile on top of warren-base-jre:bookworm
#
# The base images are built only when missing (about a minute each) and reused otherwise; the
# node image is rebuilt from node/target every time (seconds, Docker caches the layers). Before
# that the script installs what the machine lacks (docker.io, docker-compose, debootstrap) and
# starts a Docker engine if none answers. Safe to run again; needs no terminal (CI runs it).
#
# Usage: deploy/build-images.sh [--base-only]
#   --base-only   only the engine and the two base images (CI: the tests build the node image
#                 from the jar of their own build)
#
# Environment (all optional):
#   DEBIAN_MIRROR     Debian archive for debootstrap; default: the first Debian archive in this
#                     machine's apt sources
#   BASE_JRE_IMAGE, PROMETHEUS_IMAGE, NODE_IMAGE   image names (defaults above)
#   DOCKERD_LOG       where a dockerd started here logs (default /var/log/warren-dockerd.log)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
readonly REPO
readonly SUITE=bookworm
readonly BASE_JRE_IMAGE="${BASE_JRE_IMAGE:-warren-base-jre:bookworm}"
readonly PROMETHEUS_IMAGE="${PROMETHEUS_IMAGE:-warren-prometheus:bookworm}"
readonly NODE_IMAGE="${NODE_IMAGE:-warren:dev}"
readonly DOCKERD_LOG="${DOCKERD_LOG:-/var/log/warren-dockerd.log}"
readonly ENGINE_PATIENCE_SECONDS=60

say() { echo "build-images: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

base_only=false
case "${1:-}" in
  "") ;;
  --base-only) base_only=true ;;
  *) die "unknown argument '$1' (usage: $0 [--base-only])" ;;
esac

install_missing_tools() {
  local missing=()
  have dockerd || missing+=(docker.io)
  have docker-compose || missing+=(docker-compose)
  have debootstrap || missing+=(debootstrap)
  ((${#missing[@]} == 0)) && return
  [[ $(id -u) == 0 ]] || die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

# A Docker engine that answers, started here (in the background, outliving this script) if needed.
# --ip-masq=false: containers talk to each other and to the host; nothing here needs NAT to the
# outside, and some sandboxes refuse the masquerading rule.
ensure_engine() {
  if docker info >/dev/null 2>&1; then
    return
  fi
  [[ $(id -u) == 0 ]] || die "no Docker engine answers and only root can start one"
  say "starting dockerd (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  setsid nohup dockerd --ip-masq=false >>"$DOCKERD_LOG" 2>&1 </dev/null &
  local waited=0
  until docker info >/dev/null 2>&1; do
    if ((waited >= ENGINE_PATIENCE_SECONDS)); then
      tail -n 30 "$DOCKERD_LOG" >&2 || true
      die "the Docker engine did not answer within ${ENGINE_PATIENCE_SECONDS}s"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "Docker engine up after ${waited}s"
}

# The first Debian archive (not the security archive) in apt's sources, one-line or deb822 format.
debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  ((${#files[@]} > 0)) || die "no apt sources on this machine; set DEBIAN_MIRROR"
  local mirror
  mirror=$(awk '
    /^[[:space:]]*#/ { next }
    # one-line format: deb [options] URI suite components
    $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }
    # deb822 format
    tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }
  ' "${files[@]}" | grep -E '/debian/?$' | head -n 1 || true)
  [[ -n "$mirror" ]] || die "no Debian archive in ${files[*]}; set DEBIAN_MIRROR"
  echo "${mirror%/}"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# rootfs_image NAME PACKAGE [docker import --change ...]: a minimal Debian with PACKAGE, imported
# as image NAME, unless NAME exists already.
rootfs_image() {
  local name=$1 package=$2
  shift 2
  if image_exists "$name"; then
    say "$name exists, reused"
    return
  fi
  local mirror work
  mirror=$(debian_mirror)
  work=$(mktemp -d /var/tmp/warren-rootfs.XXXXXX)
  # shellcheck disable=SC2064 # expand $work now
  trap "rm -rf '$work'" EXIT
  say "building $name: debootstrap $SUITE with $package from $mirror"
  debootstrap --variant=minbase --include="$package" "$SUITE" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap for $name failed"; }
  # Package caches and lists are of no use in an image.
  rm -rf "$work"/root/var/cache/apt/archives/*.deb "$work"/root/var/lib/apt/lists/*
  tar -C "$work/root" -c . | docker import "$@" -m "debootstrap $SUITE minbase + $package" - "$name" >/dev/null
  rm -rf "$work"
  trap - EXIT
  say "built $name ($(docker image inspect -f '{{.Size}}' "$name" | awk '{printf "%d MB", $1 / 1e6}'))"
}

node_image() {
  if [[ ! -f "$REPO/node/target/warren-node.jar" ]]; then
    say "node/target/warren-node.jar missing: building it"
    (cd "$REPO" && mvn -B -q -DskipTests package)
  fi
  say "building $NODE_IMAGE from node/target"
  # Only what the Dockerfile copies goes to the engine, not the whole repository.
  (cd "$REPO" && tar -c deploy/Dockerfile deploy/jvm.options node/target/warren-node.jar node/target/lib) \
    | docker build -q -f deploy/Dockerfile --build-arg "BASE_IMAGE=$BASE_JRE_IMAGE" -t "$NODE_IMAGE" - >/dev/null
  say "built $NODE_IMAGE"
}

install_missing_tools
ensure_engine
rootfs_image "$BASE_JRE_IMAGE" openjdk-17-jre-headless
rootfs_image "$PROMETHEUS_IMAGE" prometheus \
  --change 'USER prometheus' \
  --change 'WORKDIR /var/lib/prometheus' \
  --change 'EXPOSE 9090' \
  --change 'ENTRYPOINT ["/usr/bin/prometheus"]' \
  --change 'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/var/lib/prometheus/metrics2"]'
if [[ $base_only == false ]]; then
  node_image
fi
