{{/* Chart name, overridable. */}}
{{- define "zakenak.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name: the release name when it already contains the chart name ("zakenak" -> "zakenak"). */}}
{{- define "zakenak.fullname" -}}
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

{{- define "zakenak.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "zakenak.selectorLabels" -}}
app.kubernetes.io/name: {{ include "zakenak.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "zakenak.labels" -}}
helm.sh/chart: {{ include "zakenak.chart" . }}
{{ include "zakenak.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | toString | quote }}
app.kubernetes.io/part-of: zakenak
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels of one component (serve, worker, redis); `dict "root" $ "component" "serve"`. */}}
{{- define "zakenak.componentLabels" -}}
{{ include "zakenak.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "zakenak.componentSelector" -}}
{{ include "zakenak.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "zakenak.serviceAccountName" -}}
{{- default (include "zakenak.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{/* Where Zakenak keeps its locks (Leases) and revisions (Secrets): fixed in Zakenak itself. */}}
{{- define "zakenak.stateNamespace" -}}
zakenak-system
{{- end }}

{{/* "repository:tag" from an image map; an empty or "latest" tag fails the render. */}}
{{- define "zakenak.image" -}}
{{- $repo := required "image.repository is required" .image.repository -}}
{{- $tag := .image.tag | default .appVersion | toString -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail (printf "image %s needs a pinned tag, not %q" $repo $tag) -}}
{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end }}

{{/* A container's resources: requests and limits for cpu and memory are required. */}}
{{- define "zakenak.resources" -}}
{{- $r := .resources | default dict -}}
{{- $req := $r.requests | default dict -}}
{{- $lim := $r.limits | default dict -}}
{{- range $k := list "cpu" "memory" }}
{{- if not (hasKey $req $k) }}{{ fail (printf "%s: resources.requests.%s is required" $.what $k) }}{{ end }}
{{- if not (hasKey $lim $k) }}{{ fail (printf "%s: resources.limits.%s is required" $.what $k) }}{{ end }}
{{- end }}
{{- toYaml $r }}
{{- end }}

{{/*
Where Redis is, as env entries: the in-chart Redis, Sentinel (sentinels + master), Redis Cluster (seed
nodes), an existing Secret's key holding the URL, or a plain URL; then the TLS settings.
*/}}
{{- define "zakenak.redisUrlEnv" -}}
{{- $e := .Values.redis.external }}
{{- $set := 0 }}
{{- range $k := list "url" "existingSecret" "sentinels" "clusterNodes" }}{{ if index $e $k }}{{ $set = add1 $set }}{{ end }}{{ end }}
{{- if and (not .Values.redis.inChart.enabled) (gt $set 1) }}
{{- fail "redis.external: set only one of url, existingSecret, sentinels, clusterNodes" }}
{{- end }}
{{- if .Values.redis.inChart.enabled }}
- name: REDIS_URL
  value: {{ printf "redis://%s-redis:%d" (include "zakenak.fullname" .) (int .Values.redis.inChart.port) | quote }}
{{- else if $e.sentinels }}
- name: REDIS_SENTINELS
  value: {{ join "," $e.sentinels | quote }}
- name: REDIS_SENTINEL_MASTER
  value: {{ required "redis.external.sentinelMaster is required with redis.external.sentinels" $e.sentinelMaster | quote }}
{{- else if $e.clusterNodes }}
- name: REDIS_CLUSTER_NODES
  value: {{ join "," $e.clusterNodes | quote }}
{{- else if $e.existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $e.existingSecret }}
      key: {{ required "redis.external.existingSecretKey is required with redis.external.existingSecret" $e.existingSecretKey }}
{{- else }}
- name: REDIS_URL
  value: {{ required "redis.external.url (or redis.external.existingSecret, sentinels, clusterNodes, or redis.inChart.enabled) is required" $e.url | quote }}
{{- end }}
{{- if not .Values.redis.inChart.enabled }}
{{- with $e.tls }}
{{- if .enabled }}
- name: REDIS_TLS
  value: "true"
{{- end }}
{{- if .servername }}
- name: REDIS_TLS_SERVERNAME
  value: {{ .servername | quote }}
{{- end }}
{{- if .caSecret.name }}
- name: REDIS_TLS_CA_FILE
  value: {{ printf "/etc/zakenak-redis-tls/%s" .caSecret.key | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The rules every deploy role grants on the kinds the environments deploy: read, apply, prune. */}}
{{- define "zakenak.deployVerbs" -}}
[get, list, create, patch, delete]
{{- end }}

{{/* Fails the render on values that would install something other than what was meant. */}}
{{- define "zakenak.checkValues" -}}
{{- if not (has .Values.rbac.mode (list "namespaced" "cluster")) }}
{{- fail (printf "rbac.mode must be namespaced or cluster, not %q" (toString .Values.rbac.mode)) }}
{{- end }}
{{- if and (eq .Values.rbac.mode "namespaced") (not .Values.rbac.namespaces) }}
{{- fail "rbac.namespaces: list the namespaces the environments deploy to (rbac.mode namespaced)" }}
{{- end }}
{{- end }}

{{/* Rules of `{apiGroups, resources}` entries with the verbs Zakenak deploys with. */}}
{{- define "zakenak.deployRules" -}}
{{- range . }}
- apiGroups: {{ toJson .apiGroups }}
  resources: {{ toJson .resources }}
  verbs: {{ include "zakenak.deployVerbs" . }}
{{- end }}
{{- end }}

{{/* escalate and bind, when rbac.allowEscalation: `list "roles"` or `list "roles" "clusterroles"`. */}}
{{- define "zakenak.escalationRule" -}}
- apiGroups: [rbac.authorization.k8s.io]
  resources: {{ toJson . }}
  verbs: [escalate, bind]
{{- end }}

{{- define "zakenak.subject" -}}
- kind: ServiceAccount
  name: {{ include "zakenak.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end }}
