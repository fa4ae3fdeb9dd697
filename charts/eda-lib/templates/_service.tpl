{{/* The ClusterIP Service for clients and for Prometheus scraping. */}}
{{- define "eda-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "eda-lib.fullname" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "eda-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/*
Headless Service for a StatefulSet: gives each pod the DNS name
<pod>.<fullname>-headless.<ns>.svc that interactive-query routing uses.
Not-ready pods are published so peers can reach an instance while it restores.
*/}}
{{- define "eda-lib.headlessService" -}}
{{- if include "eda-lib.isStatefulSet" . -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "eda-lib.headlessServiceName" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector:
    {{- include "eda-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.containerPort }}
      targetPort: http
      protocol: TCP
{{- end -}}
{{- end -}}
