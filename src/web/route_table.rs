//! Route registration through one table that also remembers what it registered, so that the
//! access-control test walks every route the application serves: a route added without a written
//! policy fails that test instead of going unchecked.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, web};

/// One registered route: its method and its full path pattern as actix matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The HTTP method.
    pub method: Method,
    /// The pattern, `{name}` for each path parameter, with the scope's prefix.
    pub path: String,
}

/// Registers routes with actix under a prefix and lists each one.
pub struct Routes<'a> {
    cfg: &'a mut web::ServiceConfig,
    prefix: String,
    listed: &'a mut Vec<Listed>,
}

impl<'a> Routes<'a> {
    /// Registers into `cfg`, listing into `listed`.
    pub fn new(cfg: &'a mut web::ServiceConfig, listed: &'a mut Vec<Listed>) -> Self {
        Routes { cfg, prefix: String::new(), listed }
    }

    /// A handler for `method` on `path`.
    pub fn at<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.list(&method, path);
        self.cfg.route(path, web::method(method).to(handler));
        self
    }

    /// A `GET` handler.
    pub fn get<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.at(Method::GET, path, handler)
    }

    /// A `POST` handler.
    pub fn post<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.at(Method::POST, path, handler)
    }

    /// A `POST` handler whose extractors read `data` instead of the application's (a larger body
    /// limit, for a whole guide).
    pub fn post_with<F, Args, D>(&mut self, path: &str, data: D, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
        D: 'static,
    {
        self.list(&Method::POST, path);
        self.cfg.service(web::resource(path).app_data(data).route(web::post().to(handler)));
        self
    }

    /// Registers the routes `register` adds, under `prefix`.
    pub fn scope(&mut self, prefix: &str, register: impl FnOnce(&mut Routes<'_>)) -> &mut Self {
        let full = format!("{}{prefix}", self.prefix);
        let listed = &mut *self.listed;
        self.cfg.service(web::scope(prefix).configure(|cfg| register(&mut Routes { cfg, prefix: full, listed })));
        self
    }

    /// Lets another module add its routes here.
    pub fn configure(&mut self, register: impl FnOnce(&mut Routes<'_>)) -> &mut Self {
        register(self);
        self
    }

    fn list(&mut self, method: &Method, path: &str) {
        self.listed.push(Listed { method: method.clone(), path: format!("{}{path}", self.prefix) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok() -> &'static str {
        "ok"
    }

    #[test]
    fn scopes_prefix_what_they_list() {
        let mut listed = Vec::new();
        let _app = actix_web::App::new().configure(|cfg| {
            Routes::new(cfg, &mut listed).get("/a", ok).scope("/api", |r| {
                r.post("/b", ok).at(Method::DELETE, "/c/{id}", ok);
            });
        });
        let seen: Vec<(Method, &str)> = listed.iter().map(|l| (l.method.clone(), l.path.as_str())).collect();
        assert_eq!(seen, [(Method::GET, "/a"), (Method::POST, "/api/b"), (Method::DELETE, "/api/c/{id}")]);
    }
}
