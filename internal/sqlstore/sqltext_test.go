package sqlstore

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestNoSprintfSQL keeps SQL reviewable (issue 10): no non-test file of the
// package builds SQL with fmt, and bind parameters are numbered only by
// placeholder, placeholders and bind.
func TestNoSprintfSQL(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		problems, err := sqlFmtProblems(name, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", p.pos, p.what)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("checked %d files, want the package's (at least 20): run from its directory", checked)
	}
}

func TestSQLFmtProblems_Flags(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"a placeholder numbered by Sprintf is flagged", "_ = fmt.Sprintf(` LIMIT $%d`, n)", 1},
		{"a fragment spliced by Sprintf is flagged", "_ = fmt.Sprintf(`(CASE WHEN %s THEN %d ELSE 0 END)`, c, n)", 1},
		{"a VALUES row written by Fprintf is flagged", `fmt.Fprintf(&sb, "($%d,$%d)", n, n+1)`, 1},
		{"a format assembled at run time is flagged", `_ = fmt.Sprintf(" AND "+cond, n)`, 1},
		{"a format in a variable is flagged", `_ = fmt.Sprintf(format, n)`, 1},
		{"Sprint after a dollar sign is flagged", "_ = `LIMIT $` + fmt.Sprint(n)", 1},
		{"a dollar sign after other text is flagged", "_ = q + ` LIMIT $` + fmt.Sprint(n)", 1},
		{"a dollar sign joined to strconv is flagged", `_ = "$" + strconv.Itoa(n)`, 1},
		{"an aliased fmt is still fmt", "_ = f2.Sprintf(`SELECT %s FROM t`, c)", 1},
		{"a user's message is not SQL", `_ = fmt.Sprintf("A %s with this name already exists.", kind)`, 0},
		{"an error is not SQL", `_ = fmt.Errorf("list tasks: %w", err)`, 0},
		{"a placeholder from the helper is fine", "_ = ` LIMIT ` + placeholder(n)", 0},
		{"a JSON path is not a placeholder", "_ = `json_extract(c.last_message, '$.private')`", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imp := `import "fmt"`
			if strings.Contains(tt.body, "f2.") {
				imp = `import f2 "fmt"`
			}
			src := "package p\n" + imp + "\nfunc f() {\n" + tt.body + "\n}\n"
			got, err := sqlFmtProblems("x.go", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("sqlFmtProblems(%s) = %v, want %d problems", tt.body, got, tt.want)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	tests := []struct {
		first, n int
		want     string
	}{
		{1, 0, ""},
		{1, 1, "$1"},
		{3, 3, "$3,$4,$5"},
		{9, 2, "$9,$10"},
	}
	for _, tt := range tests {
		if got := placeholders(tt.first, tt.n); got != tt.want {
			t.Errorf("placeholders(%d, %d) = %q, want %q", tt.first, tt.n, got, tt.want)
		}
	}
	args := []any{"ws"}
	if got, want := bind(&args, 7)+","+bind(&args, "x"), "$2,$3"; got != want {
		t.Errorf("bind twice after one argument = %q, want %q", got, want)
	}
	if len(args) != 3 || args[1] != 7 || args[2] != "x" {
		t.Errorf("bind left args %v, want [ws 7 x]", args)
	}
}

// sqlKeyword finds SQL in a format string: upper-case keywords as whole
// words (the package writes SQL in upper case, messages in sentences).
var sqlKeyword = regexp.MustCompile(`\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|AND|OR|NOT|JOIN|ORDER BY|GROUP BY|LIMIT|OFFSET|VALUES|SET|CASE|WHEN|THEN|ELSE|END|IN|IS|NULL|EXISTS|RETURNING|COALESCE|CAST|WITH|ON CONFLICT)\b`)

type sqlFmtProblem struct {
	pos  token.Position
	what string
}

func (p sqlFmtProblem) String() string { return p.pos.String() + ": " + p.what }

// sqlFmtProblems returns where the Go source src builds SQL with fmt (a
// format holding a placeholder or an SQL keyword, a format that is not a
// literal, fmt.Sprint after a "$"), and where it numbers a placeholder by
// hand (a string ending in "$" joined to something), outside the helper
// placeholder itself.
func sqlFmtProblems(name string, src []byte) ([]sqlFmtProblem, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	fmtName := ""
	for _, imp := range file.Imports {
		if imp.Path.Value == `"fmt"` {
			fmtName = "fmt"
			if imp.Name != nil {
				fmtName = imp.Name.Name
			}
		}
	}
	var out []sqlFmtProblem
	flag := func(n ast.Node, what string) {
		out = append(out, sqlFmtProblem{fset.Position(n.Pos()), what})
	}
	for _, decl := range file.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "placeholder" {
			continue // the one place that writes "$" and a number
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				if n.Op == token.ADD {
					if s, ok := lastLit(n.X); ok && strings.HasSuffix(s, "$") {
						flag(n, "placeholder numbered by hand: use placeholder, placeholders or bind")
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || fmtName == "" {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != fmtName {
					return true
				}
				var format ast.Expr
				switch sel.Sel.Name {
				case "Sprintf", "Appendf":
					if len(n.Args) > 0 {
						format = n.Args[0]
					}
				case "Fprintf":
					if len(n.Args) > 1 {
						format = n.Args[1]
					}
				default:
					return true // Errorf, Sprint…: caught by the "$" rule if they number
				}
				if format == nil {
					return true
				}
				s, ok := stringLit(format)
				switch {
				case !ok:
					flag(n, "fmt."+sel.Sel.Name+" with a format that is not a literal: it may build SQL")
				case strings.Contains(s, "$%"):
					flag(n, "fmt."+sel.Sel.Name+" numbers a placeholder: use placeholder, placeholders or bind")
				case sqlKeyword.MatchString(s):
					flag(n, "fmt."+sel.Sel.Name+" builds SQL ("+sqlKeyword.FindString(s)+"): use a named statement or a builder")
				}
			}
			return true
		})
	}
	return out, nil
}

// lastLit is the last string literal of a concatenation.
func lastLit(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return lastLit(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return lastLit(e.Y)
		}
		return "", false
	}
	return stringLit(e)
}

// stringLit is the value of a string literal, or of a concatenation of
// them.
func stringLit(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return stringLit(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok := stringLit(e.X)
		if !ok {
			return "", false
		}
		y, ok := stringLit(e.Y)
		return x + y, ok
	}
	return "", false
}
