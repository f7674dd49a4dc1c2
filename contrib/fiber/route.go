package logweavefiber

import (
	"sync"

	"github.com/gofiber/fiber/v2"
)

// routeIndex finds the route template Fiber matched, for http.route.
//
// c.Route() is the route the request last entered. For a 404 or a 405,
// or a request that only middleware answered (app.Static's files
// included), that is a middleware's route (registered with Use or
// Static), whose path ("/", "/static") is a prefix, not a route template,
// and no route is logged. Fiber v2 keeps whether a route is a
// middleware's in an unexported field (Route.Method holds the request's
// method for those too), and says it in its public API only through
// app.GetRoutes(true), which leaves middleware out, as copies of the
// routes. A copy shares its Handlers slice with the route in the router,
// and Fiber gives every registration a slice of its own (Use builds one;
// Get, Post and the rest keep the caller's, which a middleware's never
// is). So an application's matched routes are known by the address of
// their first handler: collected from GetRoutes(true) at the first
// request, and again when HandlersCount shows that routes were added.
type routeIndex struct {
	apps sync.Map // *fiber.App → *matchedRoutes
}

// matchedRoutes is the index of one application's routes.
type matchedRoutes struct {
	handlers uint32                      // app.HandlersCount() when built
	first    map[*fiber.Handler]struct{} // &Handlers[0] of every route not a middleware's
}

// route returns the route template Fiber matched ("/users/:id"), or ""
// when none did.
func (ri *routeIndex) route(c *fiber.Ctx) string {
	r := c.Route()
	if len(r.Handlers) == 0 {
		return "" // Fiber's stand-in for no route at all
	}
	app := c.App()
	n := app.HandlersCount()
	m, _ := ri.apps.Load(app)
	routes, _ := m.(*matchedRoutes)
	if routes == nil || routes.handlers != n {
		routes = &matchedRoutes{handlers: n, first: map[*fiber.Handler]struct{}{}}
		for _, rt := range app.GetRoutes(true) {
			if len(rt.Handlers) > 0 {
				routes.first[&rt.Handlers[0]] = struct{}{}
			}
		}
		ri.apps.Store(app, routes)
	}
	if _, ok := routes.first[&r.Handlers[0]]; !ok {
		return ""
	}
	return r.Path
}
