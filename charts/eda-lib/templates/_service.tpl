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
    # Keeps the ServiceMonitor off this Service: it selects the same pods as the
    # ClusterIP one, and scraping through both would duplicate every series.
    eda.io/headless: "true"
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

{{/*
Optional Ingress to the ClusterIP Service (e.g. the dashboard's page and its
server-sent events). Off by default: host names and TLS are per cluster.
*/}}
{{- define "eda-lib.ingress" -}}
{{- with .Values.ingress -}}
{{- if .enabled -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "eda-lib.fullname" $ }}
  labels:
    {{- include "eda-lib.labels" $ | nindent 4 }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if .tls.enabled }}
  tls:
    - hosts:
        - {{ required "ingress.host is required when ingress.enabled" .host | quote }}
      secretName: {{ .tls.secretName | default (printf "%s-tls" (include "eda-lib.fullname" $)) }}
  {{- end }}
  rules:
    - host: {{ required "ingress.host is required when ingress.enabled" .host | quote }}
      http:
        paths:
          - path: {{ .path }}
            pathType: Prefix
            backend:
              service:
                name: {{ include "eda-lib.fullname" $ }}
                port:
                  name: http
{{- end -}}
{{- end -}}
{{- end -}}
