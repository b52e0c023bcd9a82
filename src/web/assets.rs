//! Static files compiled into the binary, so the service needs nothing beside itself and no page
//! fetches anything from the internet.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use crate::domain::refusal::Refusal;
use crate::web::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 4] = [
    Asset { name: "app.css", content_type: "text/css; charset=utf-8", bytes: include_bytes!("../../assets/app.css") },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/app.js"),
    },
    Asset { name: "NotoSansSC-Regular.otf", content_type: "font/otf", bytes: crate::fonts::REGULAR },
    Asset { name: "NotoSansSC-Bold.otf", content_type: "font/otf", bytes: crate::fonts::BOLD },
];

/// `GET /static/{name}`.
pub async fn serve(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = ASSETS.iter().find(|a| a.name == name.as_str()).ok_or(AppError::Refused(Refusal::NotFound))?;
    // Fonts never change; CSS and JS change with releases, so they are revalidated daily.
    let cache = if asset.content_type.starts_with("font/") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, asset.content_type))
        .insert_header((CACHE_CONTROL, cache))
        .body(asset.bytes))
}
