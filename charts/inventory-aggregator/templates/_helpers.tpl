{{/*
inventory-aggregator has no helpers of its own: names, labels and every object
come from the eda-lib library chart (charts/eda-lib). This file exists so the
chart follows the usual layout and has a home for app-specific helpers.
*/}}
{{- define "inventory-aggregator.fullname" -}}
{{- include "eda-lib.fullname" . -}}
{{- end -}}
