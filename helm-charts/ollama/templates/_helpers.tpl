{{/* Chart name, overridable. */}}
{{- define "ollama.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name: the release name when it already contains the chart name ("ollama" -> "ollama"). */}}
{{- define "ollama.fullname" -}}
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

{{- define "ollama.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ollama.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ollama.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ollama.labels" -}}
helm.sh/chart: {{ include "ollama.chart" . }}
{{ include "ollama.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | toString | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* "repository:tag" from an image map; an empty or "latest" tag fails the render. */}}
{{- define "ollama.image" -}}
{{- $repo := required "image.repository is required" .repository -}}
{{- $tag := .tag | default "" | toString -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail (printf "image %s needs a pinned tag, not %q" $repo $tag) -}}
{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end }}

{{/* A container's resources: requests and limits for cpu and memory are required, and an
     nvidia.com/gpu request must equal its limit. */}}
{{- define "ollama.resources" -}}
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

{{/* Name the model is served under. */}}
{{- define "ollama.servedModel" -}}
{{- with .Values.model -}}
{{- if .servedAs }}{{ .servedAs }}{{ else if .quantization }}{{ printf "%s-%s" .name .quantization }}{{ else }}{{ .name }}{{ end }}
{{- end -}}
{{- end }}

{{- define "ollama.claimName" -}}
{{- .Values.persistence.existingClaim | default (include "ollama.fullname" .) }}
{{- end }}

{{/* Start of every model-preparation script: a private server on loopback that stops when the
     script exits, and `have MODEL` to test whether a model is already in the store. */}}
{{- define "ollama.prepScriptPreamble" -}}
ollama serve >/tmp/ollama-serve.log 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
tries=0
until ollama list >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 120 ]; then cat /tmp/ollama-serve.log >&2; echo "ollama serve did not start" >&2; exit 1; fi
  sleep 1
done
have() { ollama show "$1" >/dev/null 2>&1; }
{{- end }}

{{/* Settings shared by the model-preparation init containers. */}}
{{- define "ollama.prepContainerCommon" -}}
resources:
  {{- include "ollama.resources" (dict "resources" .Values.modelPull.resources "what" "modelPull") | nindent 2 }}
securityContext:
  privileged: false
  allowPrivilegeEscalation: false
  capabilities:
    drop: ["ALL"]
volumeMounts:
  - name: models
    mountPath: /root/.ollama
{{- end }}

{{/* Image of the server container. */}}
{{- define "ollama.serverImage" -}}
{{- include "ollama.image" (dict "repository" .Values.image.repository "tag" (.Values.image.tag | default .Chart.AppVersion)) }}
{{- end }}

{{/* Models the pull-models init container fetches as published, space-separated. */}}
{{- define "ollama.plainPulls" -}}
{{- $pulls := list -}}
{{- if not .Values.model.quantization -}}
{{- $pulls = append $pulls (.Values.model.source | default .Values.model.name) -}}
{{- end -}}
{{- $pulls = concat $pulls (.Values.model.extra | default list) -}}
{{- join " " $pulls -}}
{{- end }}
