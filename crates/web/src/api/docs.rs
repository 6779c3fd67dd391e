//! GET /api/docs: the API documentation page, rendered on the server from the OpenAPI document
//! (no Swagger UI, no JavaScript), so that the page and `openapi.json` always say the same thing.

use axum::extract::State;
use axum::response::Html;
use obs_domain::text::fold;
use serde_json::Value;

use super::openapi::document;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::layout::{Layout, render};

/// A type, as text with at most one link to a schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeView {
    /// Text before the link.
    pub before: String,
    /// Schema name linked to, if any.
    pub link: Option<String>,
    /// Text after the link.
    pub after: String,
}

impl TypeView {
    fn text(s: impl Into<String>) -> TypeView {
        TypeView { before: s.into(), ..TypeView::default() }
    }

    fn prefixed(mut self, p: &str) -> TypeView {
        self.before = format!("{p}{}", self.before);
        self
    }

    fn suffixed(mut self, s: &str) -> TypeView {
        self.after.push_str(s);
        self
    }
}

/// A parameter of an operation.
#[derive(Debug)]
pub struct ParamView {
    /// Name.
    pub name: String,
    /// Where it goes, French.
    pub location: &'static str,
    /// Type.
    pub ty: TypeView,
    /// Required.
    pub required: bool,
    /// Description.
    pub description: String,
    /// Example value, as written in a URL or header.
    pub example: Option<String>,
}

/// A response of an operation.
#[derive(Debug)]
pub struct ResponseView {
    /// Status code.
    pub status: String,
    /// Description.
    pub description: String,
    /// Media type, if there is a body.
    pub media: Option<String>,
    /// Body type.
    pub ty: Option<TypeView>,
}

/// One operation.
#[derive(Debug)]
pub struct EndpointView {
    /// Anchor.
    pub anchor: String,
    /// HTTP method.
    pub method: String,
    /// Full path.
    pub path: String,
    /// Summary (heading).
    pub summary: String,
    /// Description.
    pub description: String,
    /// Parameters.
    pub params: Vec<ParamView>,
    /// Responses.
    pub responses: Vec<ResponseView>,
    /// Example request.
    pub curl: String,
}

/// A group of operations.
#[derive(Debug)]
pub struct TagView {
    /// Anchor.
    pub anchor: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Operations.
    pub endpoints: Vec<EndpointView>,
}

/// A field of a schema.
#[derive(Debug)]
pub struct FieldView {
    /// Dotted name.
    pub name: String,
    /// Type.
    pub ty: TypeView,
    /// Description.
    pub description: String,
}

/// A schema.
#[derive(Debug)]
pub struct SchemaView {
    /// Name.
    pub name: String,
    /// Anchor.
    pub anchor: String,
    /// Description.
    pub description: String,
    /// Fields, for objects.
    pub fields: Vec<FieldView>,
    /// Type, for other schemas.
    pub ty: Option<TypeView>,
}

#[derive(askama::Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    layout: Layout,
    title: String,
    version: String,
    intro: Vec<String>,
    base: String,
    tags: Vec<TagView>,
    schemas: Vec<SchemaView>,
}

fn anchor(prefix: &str, s: &str) -> String {
    let mut out = String::from(prefix);
    for c in fold(s).chars() {
        out.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    out
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Follows a local `$ref`, if any.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => doc.pointer(pointer).unwrap_or(v),
        None => v,
    }
}

fn type_name(t: &str) -> &'static str {
    match t {
        "string" => "texte",
        "integer" => "entier",
        "number" => "nombre",
        "boolean" => "booléen",
        "object" => "objet",
        "array" => "tableau",
        "null" => "null",
        _ => "valeur",
    }
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Describes a schema in French.
fn describe(s: &Value) -> TypeView {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return TypeView { link: r.rsplit('/').next().map(String::from), ..TypeView::default() };
    }
    if let Some(alts) = s.get("anyOf").or_else(|| s.get("oneOf")).and_then(Value::as_array) {
        let nullable = alts.iter().any(|a| a.get("type").and_then(Value::as_str) == Some("null"));
        let main = alts.iter().find(|a| a.get("type").and_then(Value::as_str) != Some("null"));
        let t = main.map(describe).unwrap_or_else(|| TypeView::text("valeur"));
        return if nullable { t.suffixed(" ou null") } else { t };
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let nullable = types.contains(&"null");
    let main = types.iter().find(|t| **t != "null").copied().unwrap_or("");
    let mut t = match main {
        "array" => describe(s.get("items").unwrap_or(&Value::Null)).prefixed("tableau de "),
        "object" => match s.get("additionalProperties") {
            Some(a) if a.is_object() => describe(a).prefixed("objet, par clé : "),
            _ => TypeView::text("objet"),
        },
        "" => TypeView::text("valeur"),
        other => TypeView::text(type_name(other)),
    };
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let list: Vec<String> = values.iter().filter(|v| !v.is_null()).map(|v| format!("« {} »", literal(v))).collect();
        t = t.suffixed(&format!(" parmi {}", list.join(", ")));
    }
    let mut bounds = Vec::new();
    match (s.get("minimum"), s.get("maximum")) {
        (Some(a), Some(b)) => bounds.push(format!("de {a} à {b}")),
        (Some(a), None) => bounds.push(format!("au moins {a}")),
        (None, Some(b)) => bounds.push(format!("au plus {b}")),
        _ => {}
    }
    if let Some(m) = s.get("maxLength") {
        bounds.push(format!("{m} caractères au plus"));
    }
    if let Some(d) = s.get("default") {
        bounds.push(format!("par défaut {}", literal(d)));
    }
    if !bounds.is_empty() {
        t = t.suffixed(&format!(" ({})", bounds.join(", ")));
    }
    if nullable { t.suffixed(" ou null") } else { t }
}

/// The properties of an object schema in declaration order (the `required` list), then others.
fn properties(s: &Value) -> Vec<(&str, &Value)> {
    let Some(props) = s.get("properties").and_then(Value::as_object) else { return Vec::new() };
    let mut order: Vec<&str> = s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    order.extend(props.keys().map(String::as_str).filter(|k| !order.contains(k)).collect::<Vec<_>>());
    order.into_iter().filter_map(|k| props.get(k).map(|v| (k, v))).collect()
}

/// The inline object inside a schema (itself or the non-null branch of an `anyOf`), if any.
fn inline_object(s: &Value) -> Option<&Value> {
    if s.get("properties").is_some() {
        return Some(s);
    }
    s.get("anyOf")?.as_array()?.iter().find(|a| a.get("properties").is_some())
}

fn fields(s: &Value, prefix: &str, out: &mut Vec<FieldView>) {
    for (name, p) in properties(s) {
        let full = format!("{prefix}{name}");
        out.push(FieldView { name: full.clone(), ty: describe(p), description: text(&p["description"]) });
        if let Some(inner) = inline_object(p) {
            fields(inner, &format!("{full}."), out);
        }
    }
}

fn example_value(p: &Value) -> Option<String> {
    match p.get("example")? {
        Value::Object(o) => Some(o.iter().map(|(k, v)| format!("{k}={}", literal(v))).collect::<Vec<_>>().join("&")),
        v => Some(literal(v)),
    }
}

fn endpoint(doc: &Value, base: &str, path: &str, method: &str, op: &Value) -> EndpointView {
    let params = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let p = resolve(doc, p);
            ParamView {
                name: text(&p["name"]),
                location: match p["in"].as_str() {
                    Some("path") => "chemin",
                    Some("query") => "requête",
                    Some("header") => "en-tête",
                    _ => "autre",
                },
                ty: describe(&p["schema"]),
                required: p["required"].as_bool().unwrap_or(false),
                description: text(&p["description"]),
                example: example_value(p),
            }
        })
        .collect();
    let responses = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, r)| {
            let r = resolve(doc, r);
            let content = r.get("content").and_then(Value::as_object).and_then(|c| c.iter().next());
            ResponseView {
                status: status.clone(),
                description: text(&r["description"]),
                media: content.map(|(m, _)| m.clone()),
                ty: content.map(|(_, c)| describe(&c["schema"])),
            }
        })
        .collect();
    let example = op["x-exemple"].as_str().map(String::from).unwrap_or_else(|| format!("{base}{path}"));
    EndpointView {
        anchor: anchor("op-", op["operationId"].as_str().unwrap_or(path)),
        method: method.to_uppercase(),
        path: format!("{base}{path}"),
        summary: text(&op["summary"]),
        description: text(&op["description"]),
        params,
        responses,
        curl: format!("curl -i \"{example}\""),
    }
}

fn page(doc: &Value) -> DocsPage {
    let base = doc["servers"][0]["url"].as_str().unwrap_or("").to_string();
    let mut tags: Vec<TagView> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| TagView {
            anchor: anchor("groupe-", t["name"].as_str().unwrap_or("")),
            name: text(&t["name"]),
            description: text(&t["description"]),
            endpoints: Vec::new(),
        })
        .collect();
    let mut ops: Vec<(&String, &String, &Value)> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| item.as_object().into_iter().flatten().map(move |(method, op)| (path, method, op)))
        .collect();
    ops.sort_by_key(|(_, _, op)| op["x-ordre"].as_u64().unwrap_or(u64::MAX));
    for (path, method, op) in ops {
        let tag = op["tags"][0].as_str().unwrap_or("");
        let view = endpoint(doc, &base, path, method, op);
        match tags.iter_mut().find(|t| t.name == tag) {
            Some(t) => t.endpoints.push(view),
            None => tags.push(TagView {
                anchor: anchor("groupe-", tag),
                name: tag.to_string(),
                description: String::new(),
                endpoints: vec![view],
            }),
        }
    }
    tags.retain(|t| !t.endpoints.is_empty());
    let schemas = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, s)| {
            let mut f = Vec::new();
            fields(s, "", &mut f);
            SchemaView {
                name: name.clone(),
                anchor: format!("schema-{name}"),
                description: text(&s["description"]),
                ty: f.is_empty().then(|| describe(s)),
                fields: f,
            }
        })
        .collect();
    let info = &doc["info"];
    DocsPage {
        layout: Layout::new("Documentation de l'API", "api", false).crumb("Données ouvertes et API", "/donnees"),
        title: text(&info["title"]),
        version: text(&info["version"]),
        intro: text(&info["description"]).split("\n\n").map(String::from).collect(),
        base,
        tags,
        schemas,
    }
}

/// GET /api/docs
pub async fn docs(State(s): State<AppState>) -> Result<Html<String>, PageError> {
    let (_, demo) = crate::views::published(&s.app).await?;
    let mut p = page(&document());
    p.layout.demo = demo;
    render(&p).map_err(|e| {
        tracing::error!(error = %e, "template");
        PageError::from(obs_app::AppError::Invalid("rendu de la page impossible".into()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_and_schema_is_on_the_page() {
        let doc = document();
        let p = page(&doc);
        let n: usize = p.tags.iter().map(|t| t.endpoints.len()).sum();
        assert_eq!(n, doc["paths"].as_object().unwrap().len());
        assert_eq!(p.schemas.len(), doc["components"]["schemas"].as_object().unwrap().len());
        let list = p.tags.iter().flat_map(|t| &t.endpoints).find(|e| e.path == "/api/v1/editions/{slug}/demarches").unwrap();
        assert!(list.params.iter().any(|x| x.name == "par_page" && x.ty.after.contains("de 1 à 500")));
        assert!(list.curl.starts_with("curl -i \"/api/v1/editions/"));
        let row = p.schemas.iter().find(|s| s.name == "PageDemarches").unwrap();
        assert!(row.fields.iter().any(|f| f.name == "liens.suivant"));
        assert_eq!(describe(&serde_json::json!({"type": ["string", "null"]})), TypeView::text("texte").suffixed(" ou null"));
    }
}
