{{/*
Names and labels. Every app chart uses these so selectors and labels agree
across Deployment/StatefulSet, Services, HPA, PDB and ServiceMonitor.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "eda-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified name. The release name is not prefixed when it already
contains the chart name, so `helm install store-simulator charts/store-simulator`
yields plain `store-simulator` (the name KafkaUser and NetworkPolicies expect).
*/}}
{{- define "eda-lib.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* chart label value: name-version. */}}
{{- define "eda-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: stable for the life of a release (never add version here). */}}
{{- define "eda-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "eda-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Common labels on every object. */}}
{{- define "eda-lib.labels" -}}
helm.sh/chart: {{ include "eda-lib.chart" . }}
{{ include "eda-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ include "eda-lib.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: eda-inventory
app.kubernetes.io/component: {{ .Values.component | default "app" }}
{{- end -}}

{{/* The ServiceAccount the pods run as. */}}
{{- define "eda-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "eda-lib.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image tag: values, else the chart's appVersion. `latest` is refused. */}}
{{- define "eda-lib.imageTag" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag must be a pinned version, not \"latest\" (set it in the env's version.yaml)" -}}
{{- end -}}
{{- $tag -}}
{{- end -}}

{{/* Full image reference; a digest, when set, wins over the tag. */}}
{{- define "eda-lib.image" -}}
{{- $repo := .Values.image.repository -}}
{{- if .Values.image.registry -}}
{{- $repo = printf "%s/%s" .Values.image.registry .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (include "eda-lib.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{/* DNS name of the headless Service (StatefulSet). */}}
{{- define "eda-lib.headlessServiceName" -}}
{{- printf "%s-headless" (include "eda-lib.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* True when the workload is a StatefulSet. */}}
{{- define "eda-lib.isStatefulSet" -}}
{{- if eq (.Values.workload.kind | default "Deployment") "StatefulSet" -}}true{{- end -}}
{{- end -}}

{{/* True when the pod reads IBM MQ credentials from a Secret (mq.enabled and mq.credentials.secret). */}}
{{- define "eda-lib.mqCredentials" -}}
{{- with .Values.mq -}}
{{- if and .enabled .credentials -}}
{{- if .credentials.secret -}}true{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* True when the pod mounts an MQ TLS key repository (mq.enabled, mq.tls.cipherSpec and mq.tls.keyRepositorySecret). */}}
{{- define "eda-lib.mqKeyRepository" -}}
{{- with .Values.mq -}}
{{- if and .enabled .tls -}}
{{- if and .tls.cipherSpec .tls.keyRepositorySecret -}}true{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
