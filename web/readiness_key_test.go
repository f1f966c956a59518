package web

import (
	"reflect"
	"testing"

	"github.com/jobs-api-trainer/trainer/templates"
)

// TestReadinessKeyCoversEveryField: a rendered readiness panel is reused
// for views with the same key, so changing any field the panel could show
// (every string, int and bool, in the view, its rows, figures and actions)
// must change the key. A field added to the view without a place in the
// key fails here.
func TestReadinessKeyCoversEveryField(t *testing.T) {
	t.Parallel()
	base := templates.ReadinessView{
		Rows: []templates.ReadinessRow{{Figures: []string{"a"}}},
	}
	k0 := readinessKey(base)
	var walk func(v reflect.Value, path string)
	n := 0
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if f.Name == "HTML" {
					continue // the rendering itself
				}
				walk(v.Field(i), path+"."+f.Name)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), path+"[]")
			}
		case reflect.String, reflect.Int, reflect.Bool:
			old := reflect.ValueOf(v.Interface())
			switch v.Kind() {
			case reflect.String:
				v.SetString(v.String() + "x")
			case reflect.Int:
				v.SetInt(v.Int() + 1)
			case reflect.Bool:
				v.SetBool(!v.Bool())
			}
			if readinessKey(base) == k0 {
				t.Errorf("changing %s leaves the panel's key as it was", path)
			}
			v.Set(old)
			n++
		default:
			t.Errorf("%s: a %s field the key does not know how to cover", path, v.Kind())
		}
	}
	walk(reflect.ValueOf(&base).Elem(), "ReadinessView")
	if readinessKey(base) != k0 {
		t.Fatal("the walk did not restore the view")
	}
	if n < 20 {
		t.Errorf("only %d fields walked", n)
	}
}
