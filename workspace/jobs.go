package workspace

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
)

func fnvID(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func jsonStr(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

// writeJobHead writes the Job fields before settings.
func (j *job) writeHead(b *bytes.Buffer, withRunAs bool) {
	b.WriteString(`{"created_time":`)
	b.WriteString(strconv.FormatInt(j.Created, 10))
	b.WriteString(`,"creator_user_name":`)
	b.Write(jsonStr(j.Creator))
	b.WriteString(`,"job_id":`)
	b.WriteString(strconv.FormatInt(j.JobID, 10))
	if withRunAs {
		b.WriteString(`,"run_as_user_name":`)
		b.Write(jsonStr(j.RunAs))
	}
	b.WriteString(`,"settings":`)
}

// doc is the job's persisted form (the 2.1 jobs/get shape).
func (j *job) doc() []byte {
	var b bytes.Buffer
	j.writeHead(&b, true)
	j.settings.appendJSON(&b, pageWindow{all: true})
	b.WriteByte('}')
	return b.Bytes()
}

// storedSettings holds the job settings decodeJobDoc parsed, by the
// SHA-256 of their stored bytes, for every workspace of the process:
// settings never change once parsed (jobs/update and jobs/reset make new
// ones), and most workspaces hold the same fixture jobs. So the 150-task
// fixture job is parsed once per process, not once per workspace loaded,
// and the workspaces holding it share one copy in memory.
var storedSettings = func() *lru.Cache[[sha256.Size]byte, *settings] {
	c, err := lru.New[[sha256.Size]byte, *settings](256)
	if err != nil {
		panic(err) // only for a size <= 0
	}
	return c
}()

// decodeJobDoc reads a job's stored document (job.doc). It returns the
// JSON error, or the settings' validation error (an *Error) for settings
// that no longer validate.
func decodeJobDoc(b []byte) (*job, error) {
	var d struct {
		JobID    int64           `json:"job_id"`
		Creator  string          `json:"creator_user_name"`
		RunAs    string          `json:"run_as_user_name"`
		Created  int64           `json:"created_time"`
		Settings json.RawMessage `json:"settings"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	key := sha256.Sum256(d.Settings)
	s, ok := storedSettings.Get(key)
	if !ok {
		var obj map[string]json.RawMessage
		if len(d.Settings) > 0 {
			if err := json.Unmarshal(d.Settings, &obj); err != nil {
				return nil, err
			}
		}
		var aerr error
		if s, aerr = parseSettings(obj, "settings", false); aerr != nil {
			return nil, aerr
		}
		storedSettings.Add(key, s)
	}
	return &job{JobID: d.JobID, Creator: d.Creator, RunAs: d.RunAs, Created: d.Created, settings: s}, nil
}

func (rq *req) job(id int64) (*job, error) {
	j := rq.sp.jobs[id]
	if j == nil {
		return nil, jobNotFound(id)
	}
	return j, nil
}

// saveJob validates nothing; it writes j (and optional extras) through and then installs it.
func (rq *req) saveJob(j *job, extra map[string][]byte) error {
	puts := map[string][]byte{jobKey(j.JobID): j.doc()}
	for k, v := range extra {
		puts[k] = v
	}
	if err := rq.checkGrowth(puts, 0); err != nil {
		return err
	}
	if err := rq.persist(puts, nil); err != nil {
		return internal(err)
	}
	if _, ok := rq.sp.jobs[j.JobID]; !ok {
		rq.sp.jobIDs = append(rq.sp.jobIDs, j.JobID)
	}
	rq.sp.jobs[j.JobID] = j
	return nil
}

func handleCreate(rq *req) (any, error) {
	var obj map[string]json.RawMessage
	if err := rq.decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		obj = map[string]json.RawMessage{}
	}
	acl := obj["access_control_list"]
	delete(obj, "access_control_list")
	// The create body is the JobSettings itself: fields are named from the top.
	s, err := parseSettings(obj, "", !rq.v21)
	if err != nil {
		return nil, err
	}
	if err := rq.checkTaskCount(len(s.tasks)); err != nil {
		return nil, err
	}
	if err := rq.checkJobQuota(); err != nil {
		return nil, err
	}
	var entries []aclEntry
	if err := decodeInto(acl, "access_control_list", &entries); err != nil {
		return nil, err
	}
	if err := checkACL(entries); err != nil {
		return nil, err
	}
	runAs := rq.who.UserName
	var ra struct {
		RunAs struct {
			UserName             string `json:"user_name"`
			ServicePrincipalName string `json:"service_principal_name"`
		} `json:"run_as"`
	}
	if err := decodeInto(rq.body, "", &ra); err != nil {
		return nil, err
	}
	if ra.RunAs.UserName != "" {
		runAs = ra.RunAs.UserName
	} else if ra.RunAs.ServicePrincipalName != "" {
		runAs = ra.RunAs.ServicePrincipalName
	}
	id := allocID(&rq.sp.meta.NextJobID, firstJobID)
	j := &job{JobID: id, Creator: rq.who.UserName, RunAs: runAs, Created: rq.now, settings: s}
	perms := ownerACL(rq.who.UserName, entries)
	pb, _ := json.Marshal(perms)
	if err := rq.saveJob(j, map[string][]byte{permKey(id): pb}); err != nil {
		return nil, err
	}
	rq.sp.perms[id] = perms
	return map[string]int64{"job_id": id}, nil
}

func handleGet(rq *req) (any, error) {
	id, err := rq.requiredID("job_id")
	if err != nil {
		return nil, err
	}
	if _, err := rq.qBool("include_trigger_state"); err != nil {
		return nil, err
	}
	j, err := rq.job(id)
	if err != nil {
		return nil, err
	}
	if err := rq.check21Tasks(len(j.settings.tasks)); err != nil {
		return nil, err
	}
	page, err := rq.getPage("jg", id)
	if err != nil {
		return nil, err
	}
	ck := page
	if rq.v21 {
		ck = -1
	}
	if body, ok := j.getCache[ck]; ok {
		return body, nil
	}
	var b bytes.Buffer
	b.Grow(256 + 400*min(len(j.settings.tasks), arrayPage))
	j.writeHead(&b, true)
	more := j.settings.appendJSON(&b, pageWindow{all: rq.v21, page: page})
	if more {
		b.WriteString(`,"has_more":true,"next_page_token":"`)
		b.WriteString(rq.tokens().seal(pageToken{kind: "jg", dir: "n", pos: int64(page + 1), obj: id}))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	if j.getCache == nil {
		j.getCache = map[int][]byte{}
	}
	if len(j.getCache) < 16 {
		j.getCache[ck] = b.Bytes()
	}
	return b.Bytes(), nil
}

func handleList(rq *req) (any, error) {
	limit, hasLimit, err := rq.qInt("limit")
	if err != nil {
		return nil, err
	}
	if !hasLimit || limit == 0 {
		limit = 20
	}
	if limit < 1 || limit > 100 {
		return nil, invalidParam("Invalid limit %d: limit must be between 1 and 100.", limit)
	}
	offset, err := rq.checkOffset(jobsListMaxOffset, "list")
	if err != nil {
		return nil, err
	}
	expand, err := rq.qBool("expand_tasks")
	if err != nil {
		return nil, err
	}
	name := rq.q.Get("name")
	filter := int64(0)
	if name != "" {
		filter = filterSum("name=" + strings.ToLower(name))
	}
	tok, err := listToken(rq.tokens(), rq.q.Get("page_token"), "jl", filter)
	if err != nil {
		return nil, err
	}
	match := func(id int64) bool {
		j := rq.sp.jobs[id]
		return j != nil && (name == "" || strings.EqualFold(j.settings.name, name))
	}
	ids, next, prev := keysetPage(rq.tokens(), rq.sp.jobIDs, "jl", filter, tok, int(offset), int(limit), match)
	var b bytes.Buffer
	b.WriteByte('{')
	if len(ids) > 0 {
		b.WriteString(`"jobs":[`)
		for i, id := range ids {
			if i > 0 {
				b.WriteByte(',')
			}
			j := rq.sp.jobs[id]
			j.writeHead(&b, false)
			// 2.1 cannot carry more than 100 tasks: it answers such a job
			// without settings.tasks, and no flag says so (seen by
			// open-metadata/OpenMetadata#33200 and #33204).
			noTasks := rq.v21 && len(j.settings.tasks) > max21Tasks
			more := j.settings.appendJSON(&b, pageWindow{all: rq.v21, noArr: !expand, noTasks: noTasks})
			if more {
				b.WriteString(`,"has_more":true`)
			}
			b.WriteByte('}')
		}
		b.WriteString(`]`)
	}
	writeListTail(&b, rq.v21, next, prev)
	return b.Bytes(), nil
}

// writeListTail closes a jobs/list or runs/list body: the 2.1 root
// has_more, then the page tokens that are set.
func writeListTail(b *bytes.Buffer, v21 bool, next, prev string) {
	if v21 {
		sep(b)
		b.WriteString(`"has_more":` + strconv.FormatBool(next != ""))
	}
	if next != "" {
		sep(b)
		b.WriteString(`"next_page_token":"` + next + `"`)
	}
	if prev != "" {
		sep(b)
		b.WriteString(`"prev_page_token":"` + prev + `"`)
	}
	b.WriteByte('}')
}

func sep(b *bytes.Buffer) {
	if last := b.Bytes()[b.Len()-1]; last != '{' && last != ',' {
		b.WriteByte(',')
	}
}

type updateReq struct {
	JobID          int64                      `json:"job_id"`
	NewSettings    map[string]json.RawMessage `json:"new_settings"`
	FieldsToRemove []string                   `json:"fields_to_remove"`
}

func handleUpdate(rq *req) (any, error) {
	var u updateReq
	if err := rq.decode(&u); err != nil {
		return nil, err
	}
	if u.JobID == 0 {
		return nil, missingField("job_id")
	}
	j, err := rq.job(u.JobID)
	if err != nil {
		return nil, err
	}
	obj := j.settings.toObject()
	for k, v := range u.NewSettings {
		keyField, arr := keyedArrays[k]
		if !arr || keyField == "" || obj[k] == nil {
			obj[k] = v
			continue
		}
		merged, err := mergeKeyed(obj[k], v, keyField, "new_settings."+k)
		if err != nil {
			return nil, err
		}
		obj[k] = merged
	}
	for _, f := range u.FieldsToRemove {
		top, key, nested := strings.Cut(f, "/")
		if !nested {
			if top == "tasks" || top == "format" {
				return nil, invalidParam("Invalid fields_to_remove entry '%s': it cannot be removed.", f)
			}
			delete(obj, top)
			continue
		}
		// "Removing nested fields is not supported, except for tasks and
		// job clusters" (SDK UpdateJob.FieldsToRemove).
		keyField := keyedArrays[top]
		if top != "tasks" && top != "job_clusters" {
			return nil, invalidParam("Invalid fields_to_remove entry '%s': only tasks/<task_key> and job_clusters/<job_cluster_key> can be removed one by one.", f)
		}
		rest, err := removeKeyed(obj[top], key, keyField)
		if err != nil {
			return nil, err
		}
		obj[top] = rest
	}
	return rq.saveSettings(j, obj, false)
}

// saveSettings validates obj as j's new settings (fields named under
// new_settings; queueDefault as for parseSettings) and writes the job
// through with them: the common end of jobs/update and jobs/reset.
func (rq *req) saveSettings(j *job, obj map[string]json.RawMessage, queueDefault bool) (any, error) {
	s, err := parseSettings(obj, "new_settings", queueDefault)
	if err != nil {
		return nil, err
	}
	if err := rq.checkTaskCount(len(s.tasks)); err != nil {
		return nil, err
	}
	nj := *j
	nj.settings, nj.getCache = s, nil
	if err := rq.saveJob(&nj, nil); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func mergeKeyed(old, add json.RawMessage, keyField, path string) (json.RawMessage, error) {
	var a, b []map[string]json.RawMessage
	_ = json.Unmarshal(old, &a)
	if err := decodeInto(add, path, &b); err != nil {
		return nil, err
	}
	keyOf := func(m map[string]json.RawMessage) string {
		var s string
		_ = json.Unmarshal(m[keyField], &s)
		return s
	}
	for _, nb := range b {
		k := keyOf(nb)
		replaced := false
		for i := range a {
			if k != "" && keyOf(a[i]) == k {
				a[i], replaced = nb, true
				break
			}
		}
		if !replaced {
			a = append(a, nb)
		}
	}
	out, _ := json.Marshal(a)
	return out, nil
}

func removeKeyed(old json.RawMessage, key, keyField string) (json.RawMessage, error) {
	var a []map[string]json.RawMessage
	_ = json.Unmarshal(old, &a)
	out := a[:0]
	found := false
	for _, m := range a {
		var s string
		_ = json.Unmarshal(m[keyField], &s)
		if s == key {
			found = true
			continue
		}
		out = append(out, m)
	}
	if !found {
		return nil, invalidParam("Invalid fields_to_remove entry: no entry with %s '%s'.", keyField, key)
	}
	b, _ := json.Marshal(out)
	return b, nil
}

func handleReset(rq *req) (any, error) {
	var u updateReq
	if err := rq.decode(&u); err != nil {
		return nil, err
	}
	if u.JobID == 0 {
		return nil, missingField("job_id")
	}
	if u.NewSettings == nil {
		return nil, missingField("new_settings")
	}
	j, err := rq.job(u.JobID)
	if err != nil {
		return nil, err
	}
	obj := u.NewSettings
	if _, ok := obj["run_as"]; !ok {
		if ra, ok := j.settings.top["run_as"]; ok {
			obj["run_as"] = ra // the real service keeps an omitted run_as
		}
	}
	return rq.saveSettings(j, obj, !rq.v21)
}

func handleDelete(rq *req) (any, error) {
	var d struct {
		JobID int64 `json:"job_id"`
	}
	if err := rq.decode(&d); err != nil {
		return nil, err
	}
	if d.JobID == 0 {
		return nil, missingField("job_id")
	}
	if _, err := rq.job(d.JobID); err != nil {
		return nil, err
	}
	if err := rq.persist(nil, []string{jobKey(d.JobID), permKey(d.JobID)}); err != nil {
		return nil, internal(err)
	}
	delete(rq.sp.jobs, d.JobID)
	delete(rq.sp.perms, d.JobID)
	i := sort.Search(len(rq.sp.jobIDs), func(i int) bool { return rq.sp.jobIDs[i] >= d.JobID })
	rq.sp.jobIDs = append(rq.sp.jobIDs[:i], rq.sp.jobIDs[i+1:]...)
	return struct{}{}, nil
}

// --- permissions ---

var permLevels = []struct{ Level, Desc string }{
	{"CAN_VIEW", "Can view job"},
	{"CAN_MANAGE_RUN", "Can manage runs of job"},
	{"IS_OWNER", "Is owner of job"},
	{"CAN_MANAGE", "Can manage job"},
}

func checkACL(es []aclEntry) error {
	owners := 0
	for _, e := range es {
		n := 0
		for _, p := range []string{e.UserName, e.GroupName, e.ServicePrincipalName} {
			if p != "" {
				n++
			}
		}
		if n != 1 {
			return invalidParam("Each access_control_list entry needs exactly one of user_name, group_name or service_principal_name.")
		}
		ok := false
		for _, l := range permLevels {
			ok = ok || l.Level == e.PermissionLevel
		}
		if !ok {
			return invalidParam("Invalid permission_level '%s': expected CAN_VIEW, CAN_MANAGE_RUN, IS_OWNER or CAN_MANAGE.", e.PermissionLevel)
		}
		if e.PermissionLevel == "IS_OWNER" {
			if e.GroupName != "" {
				return invalidParam("A group cannot be the owner of a job.")
			}
			owners++
		}
	}
	if owners > 1 {
		return invalidParam("A job can have only one owner (IS_OWNER).")
	}
	return nil
}

func ownerACL(owner string, es []aclEntry) []aclEntry {
	hasOwner := false
	for _, e := range es {
		hasOwner = hasOwner || e.PermissionLevel == "IS_OWNER"
	}
	out := []aclEntry{}
	if !hasOwner {
		out = append(out, aclEntry{UserName: owner, PermissionLevel: "IS_OWNER"})
	}
	return append(out, es...)
}

func (rq *req) permJob() (int64, error) {
	id, err := strconv.ParseInt(rq.pathVal, 10, 64)
	if err != nil {
		return 0, invalidParam("Invalid job id '%s' in the path.", truncate(rq.pathVal, 40))
	}
	if rq.sp.jobs[id] == nil {
		return 0, &Error{Status: http.StatusNotFound, Code: "RESOURCE_DOES_NOT_EXIST", Message: "Job " + rq.pathVal + " does not exist."}
	}
	return id, nil
}

type permView struct {
	UserName             string       `json:"user_name,omitempty"`
	GroupName            string       `json:"group_name,omitempty"`
	ServicePrincipalName string       `json:"service_principal_name,omitempty"`
	DisplayName          string       `json:"display_name,omitempty"`
	AllPermissions       []permission `json:"all_permissions"`
}

type permission struct {
	PermissionLevel     string   `json:"permission_level"`
	Inherited           bool     `json:"inherited"`
	InheritedFromObject []string `json:"inherited_from_object,omitempty"`
}

// inheritedAdmins is what every job inherits from the workspace's /jobs/ root.
var inheritedAdmins = permission{PermissionLevel: "CAN_MANAGE", Inherited: true, InheritedFromObject: []string{"/jobs/"}}

// permResponse is the JobPermissions object: one entry per principal, its
// all_permissions listing the direct level (inherited:false) and any
// inherited one (the admins group's CAN_MANAGE from /jobs/), as the real
// service folds them.
func (rq *req) permResponse(id int64) any {
	var list []permView
	at := map[string]int{}
	for _, e := range rq.sp.perms[id] {
		p := permission{PermissionLevel: e.PermissionLevel}
		if i, ok := at[e.principal()]; ok {
			list[i].AllPermissions = append(list[i].AllPermissions, p)
			continue
		}
		at[e.principal()] = len(list)
		list = append(list, permView{UserName: e.UserName, GroupName: e.GroupName, ServicePrincipalName: e.ServicePrincipalName,
			DisplayName: e.UserName, AllPermissions: []permission{p}})
	}
	admins := aclEntry{GroupName: "admins"}.principal()
	if i, ok := at[admins]; ok {
		list[i].AllPermissions = append(list[i].AllPermissions, inheritedAdmins)
	} else {
		list = append(list, permView{GroupName: "admins", AllPermissions: []permission{inheritedAdmins}})
	}
	return map[string]any{"object_id": "/jobs/" + strconv.FormatInt(id, 10), "object_type": "job", "access_control_list": list}
}

func handlePermGet(rq *req) (any, error) {
	id, err := rq.permJob()
	if err != nil {
		return nil, err
	}
	return rq.permResponse(id), nil
}

func handlePermLevels(rq *req) (any, error) {
	if _, err := rq.permJob(); err != nil {
		return nil, err
	}
	var out []map[string]string
	for _, l := range permLevels {
		out = append(out, map[string]string{"permission_level": l.Level, "description": l.Desc})
	}
	return map[string]any{"permission_levels": out}, nil
}

func (rq *req) permChange(merge bool) (any, error) {
	id, err := rq.permJob()
	if err != nil {
		return nil, err
	}
	var body struct {
		ACL []aclEntry `json:"access_control_list"`
	}
	if err := rq.decode(&body); err != nil {
		return nil, err
	}
	if err := checkACL(body.ACL); err != nil {
		return nil, err
	}
	cur := rq.sp.perms[id]
	var next []aclEntry
	if merge {
		next = append(next, cur...)
		for _, e := range body.ACL {
			replaced := false
			for i := range next {
				if next[i].principal() == e.principal() {
					next[i], replaced = e, true
				}
			}
			if !replaced {
				next = append(next, e)
			}
		}
	} else {
		next = append(next, body.ACL...)
	}
	// exactly one owner: keep the current owner when none is named
	owners := 0
	for _, e := range next {
		if e.PermissionLevel == "IS_OWNER" {
			owners++
		}
	}
	if owners == 0 {
		for _, e := range cur {
			if e.PermissionLevel == "IS_OWNER" {
				next = append([]aclEntry{e}, next...)
				break
			}
		}
	} else if owners > 1 && merge {
		// a new owner replaces the old one
		var out []aclEntry
		newOwner := ""
		for _, e := range body.ACL {
			if e.PermissionLevel == "IS_OWNER" {
				newOwner = e.principal()
			}
		}
		for _, e := range next {
			if e.PermissionLevel == "IS_OWNER" && e.principal() != newOwner {
				continue
			}
			out = append(out, e)
		}
		next = out
	}
	b, _ := json.Marshal(next)
	if err := rq.checkGrowth(map[string][]byte{permKey(id): b}, 0); err != nil {
		return nil, err
	}
	if err := rq.persist(map[string][]byte{permKey(id): b}, nil); err != nil {
		return nil, internal(err)
	}
	rq.sp.perms[id] = next
	return rq.permResponse(id), nil
}

func handlePermSet(rq *req) (any, error)    { return rq.permChange(false) }
func handlePermUpdate(rq *req) (any, error) { return rq.permChange(true) }
