//! The admin REST API (axum). Reads are answered by the simulation between
//! ticks (entities, stats, governance, tunables) or from the hub's window of
//! recent events; changes (control, tunables) need the bearer token and
//! travel as recorded inputs, so a run driven through the API still
//! replays. Every bad request gets a 400 with a JSON body naming the field.
//! The API is described by the OpenAPI document at `/api/openapi.json`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::bridge::{EntityFilter, NetSide, Refused, SimQuery};
use super::hub::Recent;
use super::render::event_view;
use crate::input::ControlAction;

const OPENAPI: &str = include_str!("../../assets/openapi.json");

#[derive(Clone)]
pub struct ApiState {
    pub net: NetSide,
    pub recent: Recent,
    pub token: Arc<String>,
    /// Input queue depth, for `/metrics`.
    pub input_depth: Arc<dyn Fn() -> usize + Send + Sync>,
}

/// A failed request: status plus a JSON body `{error, field}`.
pub struct ApiError {
    status: StatusCode,
    field: Option<String>,
    message: String,
}

impl ApiError {
    fn bad(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    fn status(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            field: None,
            message: message.into(),
        }
    }
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> ApiError {
        match r {
            Refused::Busy => ApiError::status(
                StatusCode::SERVICE_UNAVAILABLE,
                "the simulation is busy; retry",
            ),
            Refused::Stopped => ApiError::status(
                StatusCode::SERVICE_UNAVAILABLE,
                "the simulation has stopped",
            ),
            Refused::Restarting => ApiError::status(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is restarting; retry",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({ "error": self.message, "field": self.field })),
        )
            .into_response()
    }
}

type Params = Result<Query<BTreeMap<String, String>>, QueryRejection>;

/// The query parameters, or a JSON 400 if the query string is malformed.
fn params(q: Params) -> Result<BTreeMap<String, String>, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| ApiError::bad("query", format!("malformed query string: {e}")))
}
type ApiResult = Result<Json<Value>, ApiError>;

pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/entities", get(entities))
        .route("/api/entities/{id}", get(entity))
        .route("/api/entities/{id}/story", get(story))
        .route("/api/zones/{name}/chronicle", get(chronicle))
        .route("/api/director", get(director))
        .route("/api/stories", get(stories))
        .route("/api/events", get(events))
        .route("/api/events/{seq}/chain", get(chain))
        .route("/api/stats", get(stats))
        .route("/api/governance", get(governance))
        .route("/api/tunables", get(tunables).put(tune))
        .route("/api/control/{action}", post(control))
        .route("/api/openapi.json", get(openapi))
        .route("/metrics", get(super::metrics::metrics))
        .fallback(|| async {
            ApiError::status(
                StatusCode::NOT_FOUND,
                "no such endpoint; see /api/openapi.json",
            )
        })
        .with_state(state)
}

/// Rejects parameters the endpoint does not know (a typo must not pass
/// silently as "no filter").
fn known(params: &BTreeMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    match params.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad(
            k,
            format!("unknown parameter; expected one of {}", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

fn number<T: std::str::FromStr>(
    params: &BTreeMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    params
        .get(name)
        .map(|v| {
            v.parse()
                .map_err(|_| ApiError::bad(name, format!("{v:?} is not a valid number")))
        })
        .transpose()
}

async fn entities(State(s): State<ApiState>, p: Params) -> ApiResult {
    let p = params(p)?;
    known(
        &p,
        &[
            "kind",
            "archetype",
            "zone",
            "realm",
            "near",
            "offset",
            "limit",
        ],
    )?;
    let kinds: Vec<&str> = crate::core::agent::kinds::AgentKind::all()
        .map(|k| k.name())
        .collect();
    if let Some(k) = p.get("kind")
        && !(k == "player" || k == "npc" || kinds.contains(&k.as_str()))
    {
        return Err(ApiError::bad(
            "kind",
            format!("{k:?}: expected player, npc or one of {}", kinds.join(", ")),
        ));
    }
    if let Some(a) = p.get("archetype")
        && !kinds.contains(&a.as_str())
    {
        return Err(ApiError::bad(
            "archetype",
            format!("{a:?}: expected one of {}", kinds.join(", ")),
        ));
    }
    if let Some(r) = p.get("realm")
        && r.parse::<crate::core::stat7::Realm>().is_err()
    {
        return Err(ApiError::bad(
            "realm",
            format!("{r:?} is not a STAT7 realm"),
        ));
    }
    let near = match p.get("near") {
        None => None,
        Some(v) => {
            // Every part must be a number: "1,a,2,3" is not "1,2,3".
            let parts: Option<Vec<f32>> = v.split(',').map(|x| x.trim().parse().ok()).collect();
            match parts.as_deref().unwrap_or_default() {
                &[x, z, r] if r >= 0.0 && x.is_finite() && z.is_finite() && r.is_finite() => {
                    Some((x, z, r))
                }
                _ => return Err(ApiError::bad("near", "expected near=x,z,r (r ≥ 0)")),
            }
        }
    };
    let filter = EntityFilter {
        kind: p.get("kind").cloned(),
        archetype: p.get("archetype").cloned(),
        zone: number(&p, "zone")?,
        realm: p.get("realm").cloned(),
        near,
        offset: number(&p, "offset")?.unwrap_or(0),
        limit: number(&p, "limit")?.unwrap_or(100),
    };
    let page = s.net.ask(|tx| SimQuery::Entities(filter, tx)).await?;
    Ok(Json(serde_json::to_value(page).unwrap_or_default()))
}

fn recent_of(s: &ApiState, keep: impl Fn(&crate::events::Event) -> bool, n: usize) -> Vec<Value> {
    let Ok(r) = s.recent.read() else {
        return Vec::new();
    };
    let mut out: Vec<Value> = r
        .iter()
        .rev()
        .filter(|e| keep(e))
        .take(n)
        .map(|e| serde_json::to_value(event_view(e)).unwrap_or_default())
        .collect();
    out.reverse();
    out
}

async fn entity(State(s): State<ApiState>, Path(id): Path<String>) -> ApiResult {
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::bad("id", format!("{id:?} is not an entity id")))?;
    let mut detail = s
        .net
        .ask(|tx| SimQuery::Entity(id, tx))
        .await?
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, format!("no entity {id}")))?;
    let names = |e: &crate::events::Event| {
        e.actor.map(|a| a.0) == Some(id) || e.target.map(|t| t.0) == Some(id)
    };
    detail["recent_events"] = Value::Array(recent_of(&s, names, 20));
    Ok(Json(detail))
}

async fn story(State(s): State<ApiState>, Path(id): Path<String>) -> ApiResult {
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::bad("id", format!("{id:?} is not an entity id")))?;
    let mut told = s
        .net
        .ask(|tx| SimQuery::Story(id, tx))
        .await?
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, format!("no living entity {id}")))?;
    let beats = |e: &crate::events::Event| {
        e.actor.map(|a| a.0) == Some(id) && matches!(e.payload, crate::events::Payload::Beat { .. })
    };
    told["recent_beats"] = Value::Array(recent_of(&s, beats, 50));
    Ok(Json(told))
}

async fn chronicle(State(s): State<ApiState>, Path(name): Path<String>) -> ApiResult {
    if name.is_empty() || name.len() > 64 {
        return Err(ApiError::bad("name", "a zone name of 1 to 64 bytes"));
    }
    let zone = name.clone();
    let c = s
        .net
        .ask(|tx| SimQuery::Chronicle(zone, tx))
        .await?
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, format!("no zone {name:?}")))?;
    Ok(Json(c))
}

async fn director(State(s): State<ApiState>) -> ApiResult {
    let d =
        s.net.ask(SimQuery::Director).await?.ok_or_else(|| {
            ApiError::status(StatusCode::NOT_FOUND, "the scenario has no director")
        })?;
    Ok(Json(d))
}

async fn stories(State(s): State<ApiState>, p: Params) -> ApiResult {
    let p = params(p)?;
    known(&p, &["pattern", "limit"])?;
    let limit: usize = number(&p, "limit")?.unwrap_or(20).clamp(1, 256);
    let pattern = p.get("pattern").cloned();
    if pattern
        .as_ref()
        .is_some_and(|p| p.is_empty() || p.len() > 64)
    {
        return Err(ApiError::bad("pattern", "a pattern name of 1 to 64 bytes"));
    }
    let found = s
        .net
        .ask(|tx| SimQuery::Stories(pattern, limit, tx))
        .await?
        .map_err(|m| ApiError::bad("pattern", m))?
        .ok_or_else(|| {
            ApiError::status(
                StatusCode::NOT_FOUND,
                "the run's narrative pack has no patterns",
            )
        })?;
    Ok(Json(found))
}

async fn events(State(s): State<ApiState>, p: Params) -> ApiResult {
    let p = params(p)?;
    known(&p, &["since_seq", "kind", "entity", "limit"])?;
    let since: u64 = number(&p, "since_seq")?.unwrap_or(0);
    let entity: Option<u64> = number(&p, "entity")?;
    let limit: usize = number(&p, "limit")?.unwrap_or(100).clamp(1, 1000);
    let kind = p.get("kind").cloned();
    if let Some(k) = &kind
        && !crate::core::event::EVENT_KINDS.contains(&k.as_str())
    {
        return Err(ApiError::bad("kind", format!("unknown event kind {k:?}")));
    }
    let r = s.recent.read().map_err(|_| {
        ApiError::status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "event window unavailable",
        )
    })?;
    let oldest = r.iter().next().map(|e| e.seq);
    let list: Vec<Value> = r
        .iter()
        .filter(|e| e.seq > since)
        .filter(|e| {
            kind.as_deref()
                .is_none_or(|k| e.payload.kind().as_str() == k)
        })
        .filter(|e| {
            entity.is_none_or(|id| {
                e.actor.map(|a| a.0) == Some(id) || e.target.map(|t| t.0) == Some(id)
            })
        })
        .take(limit)
        .map(|e| serde_json::to_value(event_view(e)).unwrap_or_default())
        .collect();
    Ok(Json(json!({
        "events": list,
        "oldest_seq": oldest,
        "latest_seq": r.iter().next_back().map(|e| e.seq),
        "note": "the server keeps the most recent events in memory; older ones are in events.db (seedsim events)",
    })))
}

async fn chain(State(s): State<ApiState>, Path(seq): Path<String>) -> ApiResult {
    let seq: u64 = seq
        .parse()
        .map_err(|_| ApiError::bad("seq", format!("{seq:?} is not a sequence number")))?;
    let r = s.recent.read().map_err(|_| {
        ApiError::status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "event window unavailable",
        )
    })?;
    let all: Vec<&crate::events::Event> = r.iter().collect();
    let find = |q: u64| all.binary_search_by_key(&q, |e| e.seq).ok().map(|i| all[i]);
    let event = find(seq).ok_or_else(|| {
        ApiError::status(
            StatusCode::NOT_FOUND,
            format!("event {seq} is not in the server's recent window; query events.db with `seedsim events --chain {seq}`"),
        )
    })?;
    let mut causes = Vec::new();
    let mut next = event.cause;
    while let Some(c) = next.filter(|_| causes.len() < 1000) {
        let Some(e) = find(c) else { break };
        causes.push(serde_json::to_value(event_view(e)).unwrap_or_default());
        next = e.cause.filter(|p| *p < e.seq);
    }
    causes.reverse();
    // Effects have larger seqs than their causes: one pass forward finds them all.
    let mut family = std::collections::BTreeSet::from([seq]);
    let mut effects = Vec::new();
    for e in all.iter().filter(|e| e.seq > seq) {
        if effects.len() >= 1000 {
            break;
        }
        if e.cause.is_some_and(|c| family.contains(&c)) {
            family.insert(e.seq);
            effects.push(serde_json::to_value(event_view(e)).unwrap_or_default());
        }
    }
    Ok(Json(json!({
        "causes": causes,
        "event": event_view(event),
        "effects": effects,
    })))
}

async fn stats(State(s): State<ApiState>) -> ApiResult {
    Ok(Json(s.net.ask(SimQuery::Stats).await?))
}

async fn governance(State(s): State<ApiState>) -> ApiResult {
    let mut g = s.net.ask(SimQuery::Governance).await?;
    let denial =
        |e: &crate::events::Event| matches!(e.payload, crate::events::Payload::IntentDenied(_));
    g["recent_denials"] = Value::Array(recent_of(&s, denial, 50));
    Ok(Json(g))
}

async fn tunables(State(s): State<ApiState>) -> ApiResult {
    let t = s.net.ask(SimQuery::Tunables).await?;
    Ok(Json(serde_json::to_value(t).unwrap_or_default()))
}

fn authorise(s: &ApiState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        None => Err(ApiError::status(
            StatusCode::UNAUTHORIZED,
            "this endpoint changes the simulation: send Authorization: Bearer <token>",
        )),
        Some(t) if t.as_bytes() == s.token.as_bytes() => Ok(()),
        Some(_) => Err(ApiError::status(StatusCode::FORBIDDEN, "wrong token")),
    }
}

async fn tune(State(s): State<ApiState>, headers: HeaderMap, body: Bytes) -> ApiResult {
    authorise(&s, &headers)?;
    let patch: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad("body", format!("not valid JSON: {e}")))?;
    if !patch.is_object() {
        return Err(ApiError::bad(
            "body",
            "expected a JSON object of tunables to change",
        ));
    }
    match s.net.ask(|tx| SimQuery::Tune(patch, tx)).await? {
        Ok(t) => Ok(Json(json!({ "applies_at_next_tick": true, "tunables": t }))),
        Err(e) => Err(ApiError::bad(&e.field, e.message)),
    }
}

async fn control(
    State(s): State<ApiState>,
    headers: HeaderMap,
    Path(action): Path<String>,
) -> ApiResult {
    authorise(&s, &headers)?;
    let action = match action.as_str() {
        "pause" => ControlAction::Pause,
        "resume" => ControlAction::Resume,
        "step" => ControlAction::Step,
        other => {
            return Err(ApiError::bad(
                "action",
                format!("{other:?}: expected pause, resume or step"),
            ));
        }
    };
    let state = s.net.ask(|tx| SimQuery::Control(action, tx)).await?;
    Ok(Json(serde_json::to_value(state).unwrap_or_default()))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
