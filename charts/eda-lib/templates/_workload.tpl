{{/*
The app's pod template, shared by Deployment and StatefulSet.
Probes: startup and liveness on /health/live, readiness on /health/ready.
The startup probe holds liveness off while the app connects to Kafka and
(for the aggregator) restores state, so a slow start is never killed.
*/}}
{{- define "eda-lib.probe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
{{- with .probe }}
initialDelaySeconds: {{ .initialDelaySeconds | default 0 }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end }}
{{- end -}}

{{- define "eda-lib.podTemplate" -}}
metadata:
  labels:
    {{- include "eda-lib.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/version: {{ include "eda-lib.imageTag" . | trunc 63 | quote }}
    app.kubernetes.io/part-of: eda-inventory
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- /* Roll the pods when the Kafka user changes (new Secret name). */}}
    eda.io/kafka-user: {{ .Values.kafka.user | default "" | quote }}
spec:
  serviceAccountName: {{ include "eda-lib.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  containers:
    - name: {{ include "eda-lib.name" . }}
      image: {{ include "eda-lib.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      {{- with .Values.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.containerPort }}
          protocol: TCP
      env:
        {{- include "eda-lib.env" . | nindent 8 }}
      {{- with .Values.envFrom }}
      envFrom:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      startupProbe:
        {{- include "eda-lib.probe" (dict "probe" .Values.probes.startup) | nindent 8 }}
      livenessProbe:
        {{- include "eda-lib.probe" (dict "probe" .Values.probes.liveness) | nindent 8 }}
      readinessProbe:
        {{- include "eda-lib.probe" (dict "probe" .Values.probes.readiness) | nindent 8 }}
      resources:
        {{- required "resources are required (requests and a memory limit)" .Values.resources | toYaml | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if and .Values.kafka.enabled .Values.kafka.tls.enabled }}
        - name: kafka-ca
          mountPath: /etc/kafka/ca
          readOnly: true
        {{- end }}
        {{- if include "eda-lib.isStatefulSet" . }}
        - name: state
          mountPath: {{ .Values.persistence.mountPath }}
        {{- end }}
        {{- if include "eda-lib.mqCredentials" . }}
        - name: mq-credentials
          mountPath: /run/secrets/mq
          readOnly: true
        {{- end }}
        {{- if include "eda-lib.mqKeyRepository" . }}
        - name: mq-tls
          mountPath: /run/secrets/mq-tls
          readOnly: true
        {{- end }}
        {{- with .Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpSizeLimit }}
    {{- if and .Values.kafka.enabled .Values.kafka.tls.enabled }}
    - name: kafka-ca
      secret:
        # Strimzi's cluster CA certificate: <cluster>-cluster-ca-cert.
        secretName: {{ .Values.kafka.tls.caSecret | default (printf "%s-cluster-ca-cert" .Values.kafka.clusterName) }}
        items:
          - key: ca.crt
            path: ca.crt
    {{- end }}
    {{- if and (include "eda-lib.isStatefulSet" .) (not .Values.persistence.enabled) }}
    - name: state
      emptyDir:
        sizeLimit: {{ .Values.persistence.size }}
    {{- end }}
    {{- with include "eda-lib.mqCredentials" . }}
    - name: mq-credentials
      secret:
        secretName: {{ $.Values.mq.credentials.secret }}
        # 0440: readable by the pod's group (fsGroup), not by others.
        defaultMode: 288
        items:
          - key: {{ $.Values.mq.credentials.passwordKey }}
            path: password
    {{- end }}
    {{- with include "eda-lib.mqKeyRepository" . }}
    - name: mq-tls
      secret:
        secretName: {{ $.Values.mq.tls.keyRepositorySecret }}
        defaultMode: 288
        items:
          - key: key.kdb
            path: key.kdb
          - key: key.sth
            path: key.sth
    {{- end }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.topologySpread.enabled }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: {{ .Values.topologySpread.topologyKey }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "eda-lib.selectorLabels" . | nindent 10 }}
  {{- end }}
{{- end -}}

{{/* Deployment or StatefulSet, by .Values.workload.kind. */}}
{{- define "eda-lib.workload" -}}
{{- $kind := .Values.workload.kind | default "Deployment" -}}
{{- if not (has $kind (list "Deployment" "StatefulSet")) -}}
{{- fail (printf "workload.kind must be Deployment or StatefulSet, got %q" $kind) -}}
{{- end -}}
apiVersion: apps/v1
kind: {{ $kind }}
metadata:
  name: {{ include "eda-lib.fullname" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "eda-lib.selectorLabels" . | nindent 6 }}
  {{- if eq $kind "StatefulSet" }}
  serviceName: {{ include "eda-lib.headlessServiceName" . }}
  # Parallel: instances are peers; the group rebalance, not pod order, assigns partitions.
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
  {{- if .Values.persistence.enabled }}
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Delete
    whenScaled: Retain
  volumeClaimTemplates:
    - metadata:
        name: state
        labels:
          {{- include "eda-lib.selectorLabels" . | nindent 10 }}
      spec:
        accessModes: ["ReadWriteOnce"]
        {{- with .Values.persistence.storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ .Values.persistence.size }}
  {{- end }}
  {{- else }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  {{- end }}
  template:
    {{- include "eda-lib.podTemplate" . | nindent 4 }}
{{- end -}}
