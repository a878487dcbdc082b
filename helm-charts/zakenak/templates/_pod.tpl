{{/*
The pod template serve and worker share: `dict "root" $ "component" "serve" "values" .Values.serve
"concurrency" 2 "port" 3000 "portName" "http" "portEnv" "PORT"`: the port answers the probes.
*/}}
{{- define "zakenak.podTemplate" -}}
{{- $root := .root -}}
{{- include "zakenak.checkValues" $root -}}
{{- $v := $root.Values -}}
metadata:
  labels:
    {{- include "zakenak.componentSelector" . | nindent 4 }}
  annotations:
    {{- /* A changed server configuration restarts the pods: it is read once, at start. */}}
    checksum/server-config: {{ toYaml $v.serverConfig | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "zakenak.serviceAccountName" $root }}
  automountServiceAccountToken: true
  terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .component }}
      image: {{ include "zakenak.image" (dict "image" $v.image "appVersion" $root.Chart.AppVersion) | quote }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args: [{{ .component | quote }}]
      ports:
        - name: {{ .portName }}
          containerPort: {{ .port }}
          protocol: TCP
      env:
        - name: HOME
          value: /var/lib/zakenak
        - name: TMPDIR
          value: /tmp
        - name: ZAKENAK_CACHE_DIR
          value: /var/lib/zakenak/cache
        - name: LOG_LEVEL
          value: {{ $v.config.logLevel | quote }}
        - name: ZAKENAK_WORKER_CONCURRENCY
          value: {{ .concurrency | quote }}
        - name: ZAKENAK_APPLY_WAIT
          value: {{ $v.config.applyWait | quote }}
        - name: ZAKENAK_LOCK_WAIT_SECONDS
          value: {{ $v.config.lockWaitSeconds | quote }}
        {{- with $v.config.repoAllowlist }}
        - name: ZAKENAK_REPO_ALLOWLIST
          value: {{ join "," . | quote }}
        {{- end }}
        {{- if $v.serverConfig }}
        - name: ZAKENAK_SERVER_CONFIG
          value: /etc/zakenak/server-config.yaml
        {{- end }}
        {{- include "zakenak.redisUrlEnv" $root | nindent 8 }}
        - name: {{ .portEnv }}
          value: {{ .port | quote }}
        {{- range $name, $value := $v.config.env }}
        - name: {{ $name }}
          value: {{ $value | toString | quote }}
        {{- end }}
        {{- range $name, $ref := $v.secrets.env }}
        - name: {{ $name }}
          valueFrom:
            secretKeyRef:
              name: {{ required (printf "secrets.env.%s.secret is required" $name) $ref.secret }}
              key: {{ required (printf "secrets.env.%s.key is required" $name) $ref.key }}
        {{- end }}
      {{- with $v.secrets.envFrom }}
      envFrom:
        {{- range . }}
        - secretRef:
            name: {{ . }}
        {{- end }}
      {{- end }}
      livenessProbe:
        httpGet: { path: /healthz, port: {{ .portName }} }
        periodSeconds: 10
        timeoutSeconds: 3
        failureThreshold: 6
      readinessProbe:
        httpGet: { path: /readyz, port: {{ .portName }} }
        periodSeconds: 10
        timeoutSeconds: 5
        failureThreshold: 3
      securityContext:
        {{- toYaml $v.containerSecurityContext | nindent 8 }}
      resources:
        {{- include "zakenak.resources" (dict "resources" .values.resources "what" .component) | nindent 8 }}
      volumeMounts:
        - name: home
          mountPath: /var/lib/zakenak
        - name: tmp
          mountPath: /tmp
        {{- if $v.serverConfig }}
        - name: server-config
          mountPath: /etc/zakenak
          readOnly: true
        {{- end }}
        {{- if and (not $v.redis.inChart.enabled) $v.redis.external.tls.caSecret.name }}
        - name: redis-tls
          mountPath: /etc/zakenak-redis-tls
          readOnly: true
        {{- end }}
  volumes:
    - name: home
      emptyDir:
        sizeLimit: {{ $v.writableVolumes.home.sizeLimit }}
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.writableVolumes.tmp.sizeLimit }}
    {{- if $v.serverConfig }}
    - name: server-config
      configMap:
        name: {{ include "zakenak.fullname" $root }}-server-config
    {{- end }}
    {{- if and (not $v.redis.inChart.enabled) $v.redis.external.tls.caSecret.name }}
    - name: redis-tls
      secret:
        secretName: {{ $v.redis.external.tls.caSecret.name }}
        items: [{ key: {{ $v.redis.external.tls.caSecret.key | quote }}, path: {{ $v.redis.external.tls.caSecret.key | quote }} }]
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
