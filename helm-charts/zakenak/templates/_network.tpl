{{/* `to` peers from a list of CIDRs. */}}
{{- define "zakenak.ipBlocks" -}}
{{- range . }}
- ipBlock: { cidr: {{ . | quote }} }
{{- end }}
{{- end }}

{{/* TCP ports (and UDP too with `dict "ports" ... "udp" true`). */}}
{{- define "zakenak.policyPorts" -}}
{{- $udp := .udp -}}
{{- range .ports }}
- { port: {{ . }}, protocol: TCP }
{{- if $udp }}
- { port: {{ . }}, protocol: UDP }
{{- end }}
{{- end }}
{{- end }}

{{/* Where serve and the workers may connect: DNS, the API server, Redis, the Git hosts. Nothing else. */}}
{{- define "zakenak.egressRules" -}}
{{- $e := .Values.networkPolicy.egress -}}
- to:
    {{- toYaml $e.dns.to | nindent 4 }}
  ports:
    {{- include "zakenak.policyPorts" (dict "ports" $e.dns.ports "udp" true) | trim | nindent 4 }}
{{- with $e.apiServer.cidrs }}
- to:
    {{- include "zakenak.ipBlocks" . | trim | nindent 4 }}
  ports:
    {{- include "zakenak.policyPorts" (dict "ports" $e.apiServer.ports) | trim | nindent 4 }}
{{- end }}
{{- if .Values.redis.inChart.enabled }}
- to:
    - podSelector:
        matchLabels:
          {{- include "zakenak.componentSelector" (dict "root" . "component" "redis") | nindent 10 }}
  ports:
    - { port: {{ .Values.redis.inChart.port }}, protocol: TCP }
{{- else if $e.redis.cidrs }}
- to:
    {{- include "zakenak.ipBlocks" $e.redis.cidrs | trim | nindent 4 }}
  ports:
    {{- include "zakenak.policyPorts" (dict "ports" $e.redis.ports) | trim | nindent 4 }}
{{- end }}
{{- with $e.gitHosts.cidrs }}
- to:
    {{- include "zakenak.ipBlocks" . | trim | nindent 4 }}
  ports:
    {{- include "zakenak.policyPorts" (dict "ports" $e.gitHosts.ports) | trim | nindent 4 }}
{{- end }}
{{- end }}
