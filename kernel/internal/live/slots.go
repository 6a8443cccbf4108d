package live

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// slotKinds maps the types a numbers cell's number may have to pagerun's kinds.
var slotKinds = map[types.BasicKind]string{types.Float64: "Float64", types.Int: "Int", types.Int64: "Int64"}

// slots replaces each number of a numbers cell, with its sign, by a read of its slot,
// and records the slots' kinds. It refuses a number of another type, or one that
// must stay a constant.
func (a *analysis) slots() error {
	var problems []string
	var stack []ast.Node
	ast.Inspect(a.file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind == token.STRING || lit.Kind == token.CHAR {
			return true
		}
		c, _ := a.cellAt(a.off(lit.Pos()))
		if c == nil || !c.numbers {
			return true
		}
		if msg := a.slot(c, lit, stack[:len(stack)-1]); msg != "" {
			line := a.pkg.Fset.Position(lit.Pos()).Line
			problems = append(problems, fmt.Sprintf("%s, line %d: %s", c.where(), line, msg))
		}
		return true
	})
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", a.l.name, strings.Join(problems, "; "))
	}
	return nil
}

// slot turns one number literal of cell c into a slot read; parents are its
// enclosing nodes, outermost first. It returns what is wrong, or "".
func (a *analysis) slot(c *codeCell, lit *ast.BasicLit, parents []ast.Node) string {
	var expr ast.Expr = lit
	if u, ok := parents[len(parents)-1].(*ast.UnaryExpr); ok && (u.Op == token.SUB || u.Op == token.ADD) {
		expr = u
	}
	text := a.text(expr)
	for _, p := range parents {
		if d, ok := p.(*ast.GenDecl); ok && d.Tok == token.CONST {
			return fmt.Sprintf("%s is in a const declaration; a numbers cell's numbers must be variables' values (use var)", text)
		}
		if t, ok := p.(*ast.ArrayType); ok && t.Len != nil && t.Len.Pos() <= lit.Pos() && lit.End() <= t.Len.End() {
			return fmt.Sprintf("%s is an array's length, which must be a constant; use a slice", text)
		}
	}
	if outer := a.constantAround(expr, parents); outer != nil {
		return fmt.Sprintf("%s is part of the constant expression %s, which Go computes before the program runs; write its value as one number", text, a.text(outer))
	}
	t := a.pkg.TypesInfo.TypeOf(expr)
	b, ok := t.(*types.Basic)
	kind := ""
	if ok {
		kind = slotKinds[b.Kind()]
	}
	if kind == "" {
		return fmt.Sprintf("%s is a %s here; the page can change only numbers of type float64, int or int64: move the code that needs a %s out of the numbers cell", text, t, t)
	}
	_, s := a.cellAt(a.off(expr.Pos()))
	_, e := a.cellAt(a.off(expr.End()))
	read := fmt.Sprintf("live_numbers%d.%s(%d)", c.index, kind, len(c.kinds))
	c.edits = append(c.edits, edit{s, e, read})
	c.kinds = append(c.kinds, kind)
	return ""
}

// constantAround returns the largest constant expression that holds expr and more
// (as 2 - 1 holds 2), or nil: its numbers cannot become slots, since Go computes it
// exactly and before the program runs (7 / 2 is 3 even where a float64 is wanted).
func (a *analysis) constantAround(expr ast.Expr, parents []ast.Node) ast.Expr {
	var outer ast.Expr
	for i := len(parents) - 1; i >= 0; i-- {
		p, ok := parents[i].(ast.Expr)
		if p == expr {
			continue // the sign of the number
		}
		if !ok || a.pkg.TypesInfo.Types[p].Value == nil {
			break
		}
		if _, conv := p.(*ast.CallExpr); conv {
			break // a conversion, int64(4): the number is typed, not computed
		}
		outer = p
	}
	return outer
}

// text is an expression's source text in the analysed file.
func (a *analysis) text(e ast.Expr) string {
	c, s := a.cellAt(a.off(e.Pos()))
	_, end := a.cellAt(a.off(e.End()))
	return c.decls[s:end]
}

// resets writes the reset function's statements: first the variables declared
// without a value get their zero value, then every initialised variable is assigned
// again in Go's init order (types.Info.InitOrder), with the slots' current values.
func (a *analysis) resets() {
	a.l.reset = nil
	for _, u := range a.units {
		spec, ok := u.node.(*ast.ValueSpec)
		if !ok || !u.kept() || len(spec.Values) > 0 || !a.isVar(spec) {
			continue
		}
		typ := a.rewritten(spec.Type)
		for _, n := range spec.Names {
			if n.Name != "_" {
				a.l.reset = append(a.l.reset, fmt.Sprintf("%s = *new(%s)", n.Name, typ))
			}
		}
	}
	for _, init := range a.pkg.TypesInfo.InitOrder {
		if u := a.unitAt(a.off(init.Lhs[0].Pos())); u == nil || !u.kept() {
			continue
		}
		var names []string
		for _, v := range init.Lhs {
			names = append(names, v.Name())
		}
		a.l.reset = append(a.l.reset, fmt.Sprintf("%s = %s", strings.Join(names, ", "), a.rewritten(init.Rhs)))
	}
}

// isVar says whether a value spec declares variables (not constants).
func (a *analysis) isVar(spec *ast.ValueSpec) bool {
	obj := a.pkg.TypesInfo.Defs[spec.Names[0]]
	_, ok := obj.(*types.Var)
	return ok
}

// rewritten is an expression's text with the slot reads in place of the numbers.
func (a *analysis) rewritten(e ast.Expr) string {
	c, s := a.cellAt(a.off(e.Pos()))
	_, end := a.cellAt(a.off(e.End()))
	return applyEdits(c.decls, c.edits, s, end)
}
