package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/jobs-api-trainer/trainer/jobsapi"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// metrics are the server's Prometheus metrics, served as text on
// GET /metrics (Options.Metrics). Labels hold route patterns, endpoint
// names, status codes and Databricks error codes only: never a path
// value, a learner, a token or a workspace id.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	emulator     *prometheus.CounterVec
	writeSeconds *prometheus.HistogramVec
	answerBatch  prometheus.Histogram
	writeErrors  *prometheus.CounterVec
	// api maps an emulator request to its catalogue pattern and endpoint
	// name (an apiEndpoint handler), as the emulator's own routes do.
	api *http.ServeMux
}

// apiEndpoint is a catalogue endpoint's name, as the handler of its
// patterns in metrics.api (it is only looked up, never served).
type apiEndpoint string

func (apiEndpoint) ServeHTTP(http.ResponseWriter, *http.Request) {}

func newMetrics(db *store.DB, ws *workspace.Manager) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trainer_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "trainer_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		emulator: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trainer_emulator_calls_total",
			Help: "Calls to the Jobs API emulator (over HTTP and from the sandbox console), by endpoint and error code (\"\" on success).",
		}, []string{"endpoint", "error_code"}),
		writeSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "trainer_sqlite_write_seconds",
			Help:    "SQLite write transactions, BEGIN to COMMIT, by kind (answers: a group commit of drill answers; tx: any other).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"kind"}),
		answerBatch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "trainer_sqlite_answer_batch_size",
			Help:    "Drill answers written per group-commit transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64},
		}),
		writeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trainer_sqlite_write_errors_total",
			Help: "SQLite write transactions that failed, by kind.",
		}, []string{"kind"}),
		api: http.NewServeMux(),
	}
	loaded := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "trainer_workspaces_loaded",
		Help: "Emulated workspaces held in memory.",
	}, func() float64 { return float64(ws.Loaded()) })
	loadedBytes := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "trainer_workspaces_loaded_bytes",
		Help: "Stored bytes of the emulated workspaces held in memory (bounded by workspace.Options.MaxLoadedBytes).",
	}, func() float64 { return float64(ws.LoadedBytes()) })
	reg.MustRegister(m.requests, m.latency, m.emulator, m.writeSeconds, m.answerBatch, m.writeErrors, loaded, loadedBytes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, e := range jobsapi.All() {
		if e.Support == jobsapi.NotEmulated {
			continue
		}
		if e.Name == "workspace/config" {
			m.api.Handle(e.Pattern(""), apiEndpoint(e.Name))
			continue
		}
		for _, v := range e.Versions {
			m.api.Handle(e.Pattern(v), apiEndpoint(e.Name))
		}
	}
	db.SetWriteObserver(func(kind string, answers int, took time.Duration, failed bool) {
		m.writeSeconds.WithLabelValues(kind).Observe(took.Seconds())
		if kind == "answers" {
			m.answerBatch.Observe(float64(answers))
		}
		if failed {
			m.writeErrors.WithLabelValues(kind).Inc()
		}
	})
	return m
}

// handler serves the metrics in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// apiRoute returns r's emulator pattern ("POST /api/2.2/jobs/run-now")
// and endpoint name ("jobs/run-now"); "api other" and "other" for what the
// emulator does not route.
func (m *metrics) apiRoute(r *http.Request) (pattern, endpoint string) {
	h, pattern := m.api.Handler(r)
	if name, ok := h.(apiEndpoint); ok {
		return pattern, string(name)
	}
	return "api other", "other"
}

// route returns the pattern that serves r, for the route label: the page
// routes', the emulator's or the root's; "other" for an unknown path.
func (s *server) route(r *http.Request) string {
	if isAPIPath(r.URL.Path) {
		p, _ := s.metrics.apiRoute(r)
		return p
	}
	_, p := s.root.Handler(r)
	if p == "/" {
		_, p = s.pages.Handler(r)
	}
	if p == "" || p == "/" {
		return "other"
	}
	return p
}

// instrument counts every request by route and status and times it. It
// sits outside the recoverer, so a panic's 500 is counted too.
func (s *server) instrument(next http.Handler) http.Handler {
	if s.metrics == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := s.route(r)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// instrumentAPI counts the emulator's HTTP calls by endpoint and the
// error_code of their answer.
func (s *server) instrumentAPI(next http.Handler) http.Handler {
	if s.metrics == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, endpoint := s.metrics.apiRoute(r)
		rec := &errorCodeRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		code := ""
		if rec.status >= 400 {
			code = errorCode(rec.body.Bytes())
		}
		s.metrics.emulator.WithLabelValues(endpoint, code).Inc()
	})
}

// countConsoleCall counts a sandbox console call the emulator answered in
// process (workspace.Manager.Call).
func (s *server) countConsoleCall(req *http.Request, res workspace.Response) {
	if s.metrics == nil {
		return
	}
	_, endpoint := s.metrics.apiRoute(req)
	code := ""
	if res.Err != nil {
		code = safeCode(res.Err.Code)
	} else if res.Status >= 400 {
		code = errorCode(res.Body)
	}
	s.metrics.emulator.WithLabelValues(endpoint, code).Inc()
}

// errorCodeRecorder keeps the status and the start of an error answer's
// body (the emulator writes its small JSON errors in one piece).
type errorCodeRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

// maxErrorPeek is how much of an error answer is kept to find its code.
const maxErrorPeek = 1024

func (r *errorCodeRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *errorCodeRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.status >= 400 && r.body.Len() < maxErrorPeek {
		r.body.Write(b[:min(len(b), maxErrorPeek-r.body.Len())])
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *errorCodeRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// errorCode reads error_code from a Databricks-shaped error body;
// "unknown" when there is none.
func errorCode(body []byte) string {
	var e struct {
		Code string `json:"error_code"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "unknown"
	}
	return safeCode(e.Code)
}

// safeCode passes an error code that looks like one (A-Z, 0-9 and _, at
// most 48 characters: Databricks answers a bad token with "403") and maps
// anything else to "unknown", so no request data can reach a label.
func safeCode(c string) string {
	if c == "" || len(c) > 48 {
		return "unknown"
	}
	for i := 0; i < len(c); i++ {
		if (c[i] < 'A' || c[i] > 'Z') && (c[i] < '0' || c[i] > '9') && c[i] != '_' {
			return "unknown"
		}
	}
	return c
}
