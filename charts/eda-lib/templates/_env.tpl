{{/*
Environment every app container gets: its port, Kafka (SASL/SCRAM over TLS
with the KafkaUser Secret Strimzi creates), the schema registry and
OpenTelemetry. App-specific variables come from .Values.env (a map) and
.Values.extraEnv (raw EnvVar list, e.g. valueFrom).
*/}}
{{- define "eda-lib.env" -}}
- name: PORT
  value: {{ .Values.containerPort | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- if include "eda-lib.isStatefulSet" . }}
# Interactive queries: the host:port peers forward queries to (Kafka Streams'
# application.server), stable per pod through the headless Service.
- name: APPLICATION_SERVER
  value: "$(POD_NAME).{{ include "eda-lib.headlessServiceName" . }}.$(POD_NAMESPACE).svc:{{ .Values.containerPort }}"
{{- with .Values.persistence }}
{{- if and .enabled .env }}
# Where the per-pod volume is mounted: the app's state directory.
- name: {{ .env }}
  value: {{ .mountPath | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.kafka }}
{{- if .enabled }}
- name: KAFKA_BROKERS
  value: {{ required "kafka.bootstrapServers is required" .bootstrapServers | quote }}
- name: KAFKA_CLIENT_ID
  value: {{ .clientId | default (include "eda-lib.fullname" $) | quote }}
{{- if .user }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .saslMechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ .user | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      # Created by Strimzi's User Operator from the KafkaUser of the same name.
      name: {{ .credentialsSecret | default .user | quote }}
      key: password
{{- end }}
{{- if .tls.enabled }}
- name: KAFKA_TLS
  value: "true"
- name: KAFKA_TLS_CA_FILE
  value: /etc/kafka/ca/ca.crt
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.mq }}
{{- if .enabled }}
# IBM MQ client connection. The app user and its password come from a Secret
# (a SealedSecret in gitops/platform/secrets); the password is a mounted file.
- name: MQ_QMGR
  value: {{ required "mq.queueManager is required when mq.enabled" .queueManager | quote }}
- name: MQ_CONN_NAME
  value: {{ required "mq.connName is required when mq.enabled" .connName | quote }}
- name: MQ_CHANNEL
  value: {{ required "mq.channel is required when mq.enabled" .channel | quote }}
{{- with .queue }}
- name: MQ_QUEUE
  value: {{ . | quote }}
{{- end }}
{{- with .backoutQueue }}
- name: MQ_BACKOUT_QUEUE
  value: {{ . | quote }}
{{- end }}
{{- with .tls }}
{{- if .cipherSpec }}
# TLS on the channel: its SSLCIPH, and the key repository (stem of key.kdb/key.sth).
- name: MQ_CIPHER_SPEC
  value: {{ .cipherSpec | quote }}
{{- if .keyRepositorySecret }}
- name: MQ_KEY_REPOSITORY
  value: /run/secrets/mq-tls/key
{{- end }}
{{- end }}
{{- end }}
{{- with .credentials }}
{{- if .secret }}
- name: MQ_USER
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .userKey | quote }}
- name: MQ_PASSWORD_FILE
  value: /run/secrets/mq/password
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.schemaRegistry }}
{{- if .url }}
- name: SCHEMA_REGISTRY_URL
  value: {{ .url | quote }}
{{- end }}
{{- end }}
{{- with .Values.otel }}
{{- if .enabled }}
- name: OTEL_SERVICE_NAME
  value: {{ .serviceName | default (include "eda-lib.name" $) | quote }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ required "otel.endpoint is required when otel.enabled" .endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .protocol | quote }}
- name: OTEL_TRACES_SAMPLER
  value: parentbased_traceidratio
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .samplerRatio | toString | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "service.version=%s,k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE)" (include "eda-lib.imageTag" $) | quote }}
{{- else }}
- name: OTEL_SDK_DISABLED
  value: "true"
{{- end }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
