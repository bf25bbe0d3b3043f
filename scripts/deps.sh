#!/bin/sh
# Installs the Debian packages certify needs when they are missing: libz3-dev (the SMT
# backend links libz3), the z3 and cvc5 binaries (SMT-LIB re-checks), Fashion-MNIST, and
# ONNX's backend test models (libonnx-testdata: modelio's tests import them).
set -e
need=""
[ -f /usr/include/z3.h ] || need="$need libz3-dev"
command -v z3 >/dev/null 2>&1 || need="$need z3"
command -v cvc5 >/dev/null 2>&1 || need="$need cvc5"
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need="$need dataset-fashion-mnist"
[ -d /usr/share/libonnx-testdata/data/node ] || need="$need libonnx-testdata"
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; else SUDO=; fi
  echo "installing:$need"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
