# Where make puts its outputs for the configuration in $CONFIG (the
# Makefile's BUILD and HOSTBUILD): build/ for debug (the default),
# build/release/ for CONFIG=release, so the two never share a directory.
# Sourced by the suites; sets KOZO_OUT.
case ${CONFIG:-debug} in
release) KOZO_OUT=build/release ;;
*) KOZO_OUT=build ;;
esac
