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
# Interactive queries: the address peers use to reach this instance (stable per pod).
- name: APP_SERVER_HOST
  value: "$(POD_NAME).{{ include "eda-lib.headlessServiceName" . }}.$(POD_NAMESPACE).svc"
- name: APP_SERVER_PORT
  value: {{ .Values.containerPort | quote }}
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
