{{/* ServiceAccount without an API token: the apps never call the Kubernetes API. */}}
{{- define "eda-lib.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "eda-lib.serviceAccountName" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}
{{- end -}}

{{/* HPA on CPU (and memory when a target is set). */}}
{{- define "eda-lib.hpa" -}}
{{- if .Values.autoscaling.enabled -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" -}}
{{- end -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "eda-lib.fullname" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .Values.workload.kind | default "Deployment" }}
    name: {{ include "eda-lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    scaleDown:
      # Each scale-down is a consumer-group rebalance: go slowly.
      stabilizationWindowSeconds: {{ .Values.autoscaling.scaleDownStabilizationSeconds }}
{{- end -}}
{{- end -}}

{{- define "eda-lib.pdb" -}}
{{- if .Values.pdb.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "eda-lib.fullname" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "eda-lib.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}

{{/*
Ingress: only the app port, only from the namespaces/pods listed (plus peers
of a StatefulSet for interactive-query forwarding). Egress: DNS, the Kafka
brokers, the schema registry, the OTLP collector, plus extra rules.
*/}}
{{- define "eda-lib.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "eda-lib.fullname" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "eda-lib.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    - ports:
        - port: http
          protocol: TCP
      from:
        # helm test pods and peers of the same release
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .Release.Name }}
        {{- with .Values.networkPolicy.ingressFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with .Values.ingress }}
        {{- if .enabled }}
        {{- with .networkPolicyFrom }}
        # the Ingress controller
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- end }}
        {{- end }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- if .Values.kafka.enabled }}
    - to:
        - podSelector:
            matchLabels:
              strimzi.io/cluster: {{ .Values.kafka.clusterName }}
              strimzi.io/broker-role: "true"
      ports:
        - port: {{ .Values.networkPolicy.kafkaPort }}
          protocol: TCP
    {{- end }}
    {{- if .Values.schemaRegistry.url }}
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: apicurio-registry
      ports:
        - port: {{ .Values.networkPolicy.registryPort }}
          protocol: TCP
    {{- end }}
    {{- if include "eda-lib.isStatefulSet" . }}
    - to:
        - podSelector:
            matchLabels:
              {{- include "eda-lib.selectorLabels" . | nindent 14 }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
    {{- if .Values.otel.enabled }}
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ .Values.networkPolicy.otelNamespace }}
      ports:
        - port: 4317
          protocol: TCP
        - port: 4318
          protocol: TCP
    {{- end }}
    {{- with .Values.mq }}
    {{- if .enabled }}
    # the IBM MQ queue manager's listener
    - to:
        {{- toYaml .networkPolicyTo | nindent 8 }}
      ports:
        - port: {{ .port }}
          protocol: TCP
    {{- end }}
    {{- end }}
    {{- with .Values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}

{{/* Prometheus Operator ServiceMonitor; off by default so the chart installs without the CRD. */}}
{{- define "eda-lib.serviceMonitor" -}}
{{- if .Values.serviceMonitor.enabled -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "eda-lib.fullname" . }}
  labels:
    {{- include "eda-lib.labels" . | nindent 4 }}
    {{- with .Values.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "eda-lib.selectorLabels" . | nindent 6 }}
    # Not the headless Service of a StatefulSet (same pods: every series twice).
    matchExpressions:
      - key: eda.io/headless
        operator: DoesNotExist
  endpoints:
    - port: http
      path: /metrics
      interval: {{ .Values.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.serviceMonitor.scrapeTimeout }}
{{- end -}}
{{- end -}}

{{/* `helm test`: the release is healthy when /health/ready answers 2xx through the Service. */}}
{{- define "eda-lib.testConnection" -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "eda-lib.fullname" . }}-test-ready
  labels:
    # Not the selector labels: the Service, PDB and HPA must never pick the test pod.
    # The instance label alone lets the NetworkPolicy admit it.
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/component: helm-test
    app.kubernetes.io/managed-by: {{ .Release.Service }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: ready
      image: {{ .Values.tests.image | quote }}
      command: ["curl"]
      args:
        - --fail
        - --silent
        - --show-error
        - --retry
        - "10"
        - --retry-connrefused
        - --retry-delay
        - "3"
        - http://{{ include "eda-lib.fullname" . }}:{{ .Values.service.port }}/health/ready
      resources:
        requests:
          cpu: 10m
          memory: 16Mi
        limits:
          memory: 32Mi
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        capabilities:
          drop: [ALL]
{{- end -}}
