//go:build tools

// Package kubernetes only pins what install-apiserver.sh builds: kube-apiserver
// and kubectl from the published k8s.io/kubernetes module. That module's go.mod
// points its k8s.io/* staging modules at ./staging, which a dependency's
// replace directives cannot do for us, so go.mod here replaces each of them
// with its published v0.<minor>.<patch> release.
package kubernetes

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
