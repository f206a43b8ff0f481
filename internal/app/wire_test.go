package app

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestApp_WiresOnly fails when the wiring fills in a part after building
// it: an assignment to a field of a value whose type is not declared in
// this package (another package's service, config or global), or a
// Set…/With… call. Every part is built complete, in dependency order, by
// one constructor call or one struct literal (see build).
func TestApp_WiresOnly(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) < 5 {
		t.Fatalf("read %d files of package app, want them all", len(files))
	}
	for _, f := range lateFills(fset, files) {
		t.Errorf("%s: %s is filled in after construction: pass it to the constructor instead", f.pos, f.what)
	}
}

// TestLateFills_FlagsWhatItShould runs the check on a made-up wiring, so
// that it is known to catch what TestApp_WiresOnly relies on it to catch:
// each line marked "flag" must be reported, no other.
func TestLateFills_FlagsWhatItShould(t *testing.T) {
	const src = `package app

import (
	"example.com/notify"
	"example.com/delivery"
)

type App struct {
	Notify  *notify.Service
	Workers *workers
	count   int
}

type workers struct{ Delivery *delivery.Worker }

type options struct{ Clock int }

func (a *App) build(o options, s *notify.Service, env notify.Env) {
	a.count = 1
	a.count++
	o.Clock = 2
	a.Notify = notify.New(notify.Options{Dial: nil})
	a.Workers = &workers{Delivery: delivery.New()}
	m := map[string]int{}
	m["x"] = 1
	s.CheckURL = nil // flag
	a.Notify.Dial = nil // flag
	a.Notify.PublicURL, a.count = nil, 3 // flag
	env.BaseURL = "" // flag
	a.Workers.Delivery.SetGate(nil) // flag
	a.Notify.Hooks["x"] = nil // flag
	notify.Default = nil // flag
	s.Retries += 1 // flag
	s.Count++ // flag
	(s.Log) = nil // flag
	_ = s.WithKey(nil) // flag
	notify.SetDefault(s) // flag
	_ = notify.WithDefaults(notify.Options{})
	a.Workers.Delivery.Settle()
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "fake.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i, line := range strings.Split(src, "\n") {
		if strings.HasSuffix(line, "// flag") {
			want = append(want, i+1)
		}
	}
	var got []int
	for _, l := range lateFills(fset, []*ast.File{f}) {
		got = append(got, l.pos.Line)
	}
	if !slices.Equal(got, want) {
		t.Errorf("lateFills flagged lines %v, want %v", got, want)
	}
}

// lateFill is one place a built part is changed.
type lateFill struct {
	pos  token.Position
	what string
}

// setter names a method that fills in a part after construction (or a
// package's function that changes its globals).
var setter = regexp.MustCompile(`^(Set|With)[A-Z]`)

// lateFills type-checks files as one package with every import left
// empty: only this package's own types are known, so a field whose
// owner's type is unknown or another package's is a field of a part built
// elsewhere.
func lateFills(fset *token.FileSet, files []*ast.File) []lateFill {
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: emptyImporter{}, Error: func(error) {}} // unresolved imports are expected
	pkg, _ := conf.Check("app", fset, files, info)
	var out []lateFill
	flag := func(n ast.Node, format string, args ...any) {
		out = append(out, lateFill{pos: fset.Position(n.Pos()), what: fmt.Sprintf(format, args...)})
	}
	// foreign reports whether x.sel = … changes a value built elsewhere.
	foreign := func(sel *ast.SelectorExpr) bool {
		if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok {
			if _, isPkg := info.Uses[id].(*types.PkgName); isPkg {
				return true // another package's variable
			}
		}
		t := info.TypeOf(sel.X)
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		named, ok := t.(*types.Named)
		return !ok || named.Obj().Pkg() != pkg
	}
	checkTarget := func(e ast.Expr) {
		e = ast.Unparen(e)
		if ix, ok := e.(*ast.IndexExpr); ok {
			e = ast.Unparen(ix.X) // a map or slice held in a field
		}
		if sel, ok := e.(*ast.SelectorExpr); ok && foreign(sel) {
			flag(sel, "%s", types.ExprString(sel))
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok != token.DEFINE {
					for _, l := range n.Lhs {
						checkTarget(l)
					}
				}
			case *ast.IncDecStmt:
				checkTarget(n.X)
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || !setter.MatchString(sel.Sel.Name) {
					break
				}
				// A package's With… function makes a new value
				// (context.WithCancel); its Set… changes a global.
				if id, ok := sel.X.(*ast.Ident); ok && strings.HasPrefix(sel.Sel.Name, "With") {
					if _, isPkg := info.Uses[id].(*types.PkgName); isPkg {
						break
					}
				}
				flag(n, "%s(…)", types.ExprString(sel))
			}
			return true
		})
	}
	slices.SortFunc(out, func(a, b lateFill) int {
		return cmp.Or(strings.Compare(a.pos.Filename, b.pos.Filename), a.pos.Line-b.pos.Line)
	})
	return out
}

// emptyImporter imports every package as an empty one of its path's last
// element.
type emptyImporter struct{}

// Import implements types.Importer.
func (emptyImporter) Import(path string) (*types.Package, error) {
	name := filepath.Base(path)
	if strings.HasPrefix(name, "v") && strings.Trim(name[1:], "0123456789") == "" && name != "v" {
		name = filepath.Base(filepath.Dir(path)) // module major version suffix
	}
	p := types.NewPackage(path, name)
	p.MarkComplete()
	return p, nil
}
