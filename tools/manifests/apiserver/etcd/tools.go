//go:build tools

// Package etcd only pins the etcd server install-apiserver.sh builds (its
// release go.mod files carry replace directives, so `go install ...@version`
// refuses it; a wrapper module builds it from the published modules).
package etcd

import _ "go.etcd.io/etcd/server/v3"
