{{/* Chart name, overridable. */}}
{{- define "open-webui.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name: the release name when it already contains the chart name ("open-webui" -> "open-webui"). */}}
{{- define "open-webui.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "open-webui.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "open-webui.selectorLabels" -}}
app.kubernetes.io/name: {{ include "open-webui.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "open-webui.labels" -}}
helm.sh/chart: {{ include "open-webui.chart" . }}
{{ include "open-webui.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | toString | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* "repository:tag" from an image map; an empty or "latest" tag fails the render. */}}
{{- define "open-webui.image" -}}
{{- $repo := required "image.repository is required" .repository -}}
{{- $tag := .tag | default "" | toString -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail (printf "image %s needs a pinned tag, not %q" $repo $tag) -}}
{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end }}

{{/* A container's resources: requests and limits for cpu and memory are required, and any
     nvidia.com/gpu request must equal its limit. */}}
{{- define "open-webui.resources" -}}
{{- $r := .resources | default dict -}}
{{- $req := $r.requests | default dict -}}
{{- $lim := $r.limits | default dict -}}
{{- range $k := list "cpu" "memory" }}
{{- if not (hasKey $req $k) }}{{ fail (printf "%s: resources.requests.%s is required" $.what $k) }}{{ end }}
{{- if not (hasKey $lim $k) }}{{ fail (printf "%s: resources.limits.%s is required" $.what $k) }}{{ end }}
{{- end }}
{{- if or (hasKey $req "nvidia.com/gpu") (hasKey $lim "nvidia.com/gpu") }}
{{- if ne (toString (index $req "nvidia.com/gpu")) (toString (index $lim "nvidia.com/gpu")) }}
{{- fail (printf "%s: the nvidia.com/gpu request must equal its limit" $.what) }}
{{- end }}
{{- end }}
{{- toYaml $r }}
{{- end }}

{{- define "open-webui.claimName" -}}
{{- .Values.persistence.existingClaim | default (include "open-webui.fullname" .) }}
{{- end }}
