"""The HTTP contract: ``/enviar`` from the spec, plus the app's ``/api`` and ``/health``.

Every answer is JSON. Client mistakes are 4xx with ``{"error": ...}``; a record the
broker did not acknowledge is a 503, never a 2xx.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from api import security
from api import validation as v
from api.openapi import spec
from api.requests import (
    Batch,
    ConsumerChanges,
    ListQuery,
    NewConsumer,
    NewGroup,
    SendQuery,
    TopicSwitch,
    export_query,
)
from messaging.audit import NoTrafficLog, history_blocks, traffic_chunks
from messaging.broker import STANDARD_ASSIGNORS
from messaging.clients import SendError
from messaging.core import limits
from messaging.group import (
    STOPPING,
    FleetFull,
    MemberGone,
    MemberLive,
    NotApplied,
    NotControllable,
    UnknownConsumer,
)
from messaging.runtime import GroupExists, Runtime


def create_app(runtime: Runtime, token: str | None = None, bind_host: str = "127.0.0.1") -> Flask:
    """Build the Flask app for one running :class:`Runtime`.

    ``token``: when set, every request but ``GET /health`` and ``GET /openapi.json``
    needs ``Authorization: Bearer <token>``. ``bind_host``: a loopback address turns
    on the Host check (see :mod:`api.security`).
    """
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = limits.MAX_BODY
    app.json.sort_keys = False  # keep the documented field order
    security.install(app, token, bind_host)
    _register_errors(app)
    _register_messages(app, runtime)
    _register_consumers(app, runtime)
    _register_groups(app, runtime)
    _register_status(app, runtime, bool(token), security.exposure_warning(bind_host, token))
    _register_export(app, runtime)
    _register_topic(app, runtime)
    return app


def _error(message: str, status: int) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(v.BadRequest)
    def bad_request(exc: v.BadRequest) -> tuple[Response, int]:
        return _error(exc.message, exc.status)

    @app.errorhandler(SendError)
    def unavailable(exc: SendError) -> tuple[Response, int]:
        if not exc.unacknowledged:
            return _error(f"broker unavailable, message not sent: {exc}", 503)
        why = (
            f"broker did not acknowledge the message: {exc}. It may still have been "
            "written; if a consumer gets it, GET /api/messages/<id> shows it"
        )
        return jsonify(error=why, message_ids=list(exc.unacknowledged)), 503

    @app.errorhandler(FleetFull)
    def fleet_full(exc: FleetFull) -> tuple[Response, int]:
        return _error(str(exc), 409)

    @app.errorhandler(NotControllable)
    def not_controllable(exc: NotControllable) -> tuple[Response, int]:
        why = (
            "a member that reports nothing (the spec's consumer.py, or one started without "
            "the app's key)"
        )
        return _error(f"{exc.args[0]} is {why}: the app cannot drive it", 409)

    @app.errorhandler(NotApplied)
    def not_applied(exc: NotApplied) -> tuple[Response, int]:
        return _error(str(exc), 503)

    @app.errorhandler(MemberGone)
    def member_gone(exc: MemberGone) -> tuple[Response, int]:
        return _error(f"{exc}: start a new consumer with POST /api/consumers", 409)

    @app.errorhandler(UnknownConsumer)
    def unknown_consumer(exc: UnknownConsumer) -> tuple[Response, int]:
        return _error(f"no consumer with id {exc.args[0]}", 404)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        status = exc.code or 500
        if status == 413:
            response, _ = _error(f"body too large: at most {limits.MAX_BODY} bytes", 413)
        else:
            response, _ = _error(f"{exc.name}: {exc.description}", status)
        # Keep what the exception says beyond its HTML body: a 405's Allow (RFC 9110).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status


def _body() -> bytes:
    return request.get_data(cache=False)


def _register_messages(app: Flask, runtime: Runtime) -> None:
    @app.post("/enviar")
    def enviar() -> tuple[Response, int]:
        data = v.json_object(request.content_type, _body())
        key = v.parsed(SendQuery, request.args.to_dict()).key
        sent = runtime.sender.send(data, key)
        return jsonify(
            mensaje="Mensaje enviado",
            data=data,
            message_id=sent.message_id,
            topic=sent.topic,
            partition=sent.partition,
            offset=sent.offset,
        ), 200

    @app.post("/api/messages")
    def send_batch() -> tuple[Response, int]:
        batch = v.parsed(Batch, v.json_body(request.content_type, _body()))
        sent = runtime.sender.send_many([(m.value, m.key) for m in batch.messages])
        return jsonify(
            count=len(sent),
            messages=[
                {
                    "message_id": s.message_id,
                    "key": s.key,
                    "partition": s.partition,
                    "offset": s.offset,
                }
                for s in sent
            ],
        ), 200

    @app.get("/api/messages")
    def list_messages() -> Response:
        n = v.parsed(ListQuery, request.args.to_dict()).limit
        return jsonify(messages=[r.as_json() for r in runtime.ledger.newest(n)])

    @app.get("/api/messages/<message_id>")
    def one_message(message_id: str) -> tuple[Response, int]:
        record = runtime.ledger.get(message_id)
        if record is None:
            return _error(f"no message with id {message_id}", 404)
        return jsonify(record.as_json()), 200


def _idle(runtime: Runtime) -> str | None:
    """Why some consumers sit idle, in English (None when all can work)."""
    reason = runtime.note_idle_consumers()
    return reason.english() if reason else None


def _register_consumers(app: Flask, runtime: Runtime) -> None:
    @app.get("/api/consumers")
    def consumers() -> Response:
        return jsonify(consumers=[s.as_json() for s in runtime.snapshots()], warning=_idle(runtime))

    @app.post("/api/consumers")
    def add_consumer() -> tuple[Response, int]:
        raw = _body()
        new = v.parsed(NewConsumer, v.json_object(request.content_type, raw) if raw else {})
        group = new.group or runtime.settings.group
        fleet = runtime.group(group)
        if fleet is None:
            return _error(f"no group {group!r}: add it with POST /api/groups", 404)
        changes = new.model_dump(include=set(ConsumerChanges.model_fields), exclude_unset=True)
        snap = fleet.add(kind=new.kind, **changes)
        return jsonify({**snap.as_json(), "warning": _idle(runtime)}), 201

    @app.get("/api/consumers/<int:consumer_id>")
    def one_consumer(consumer_id: int) -> tuple[Response, int]:
        fleet = runtime.fleet_of(consumer_id)  # as every view shows it, not as it last reported
        return jsonify(fleet.presented(fleet.member(consumer_id)).as_json()), 200

    @app.post("/api/consumers/<int:consumer_id>/stop")
    def stop_consumer(consumer_id: int) -> tuple[Response, int]:
        """Graceful: it finishes its message, commits and leaves. 200 once it has; 202
        with ``stopping`` and a Location to poll when it cannot within STOP_WAIT_S (a
        long message, or a stop that waits for a rebalance on tansu)."""
        stopped = runtime.fleet_of(consumer_id).stop(consumer_id, wait=limits.STOP_WAIT_S)
        if stopped.state != STOPPING:
            return jsonify(stopped.as_json()), 200
        answer = jsonify(stopped.as_json())
        answer.headers["Location"] = f"/api/consumers/{consumer_id}"
        return answer, 202

    @app.post("/api/consumers/<int:consumer_id>/crash")
    def crash_consumer(consumer_id: int) -> tuple[Response, int]:
        """No commit, no LeaveGroup: the broker finds out when its session expires."""
        return jsonify(runtime.fleet_of(consumer_id).crash(consumer_id).as_json()), 200

    @app.patch("/api/consumers/<int:consumer_id>")
    def configure_consumer(consumer_id: int) -> tuple[Response, int]:
        asked = v.parsed(ConsumerChanges, v.json_body(request.content_type, _body()))
        changes = asked.model_dump(exclude_unset=True)  # only what the body names
        return jsonify(
            runtime.fleet_of(consumer_id).configure(consumer_id, **changes).as_json()
        ), 200

    @app.delete("/api/consumers/<int:consumer_id>")
    def remove_consumer(consumer_id: int) -> tuple[Response, int]:
        """Forget a stopped or crashed consumer: unlisted, its card gone, then 404."""
        try:
            return jsonify(runtime.fleet_of(consumer_id).forget(consumer_id).as_json()), 200
        except MemberLive as exc:
            if exc.state == STOPPING:
                return _error(f"{exc}: delete it once it has stopped", 409)
            return _error(
                f"{exc}: stop or crash it first (POST /api/consumers/{consumer_id}/stop or "
                f"/api/consumers/{consumer_id}/crash)",
                409,
            )


def _register_groups(app: Flask, runtime: Runtime) -> None:
    @app.get("/api/groups")
    def groups() -> Response:
        return jsonify(groups=[runtime.group_stats(f) for f in runtime.groups()])

    @app.post("/api/groups")
    def add_group() -> tuple[Response, int]:
        new = v.parsed(NewGroup, v.json_object(request.content_type, _body()))
        try:
            fleet = runtime.add_group(new.group, new.assignor, new.consumers, new.kind)
        except ValueError as exc:
            raise v.BadRequest(str(exc)) from None
        except GroupExists as exc:
            return _error(str(exc), 409)
        return jsonify(runtime.group_stats(fleet)), 201


def _register_topic(app: Flask, runtime: Runtime) -> None:
    @app.get("/api/topic")
    def topic() -> Response:
        return jsonify(topic=runtime.settings.topic, partitions=runtime.partitions)

    @app.post("/api/topic")
    def switch_topic() -> Response | tuple[Response, int]:
        switch = v.parsed(TopicSwitch, v.json_object(request.content_type, _body()))
        try:
            return jsonify(runtime.switch_topic(switch.partitions, switch.topic))
        except ValueError as exc:
            raise v.BadRequest(str(exc)) from None
        except GroupExists as exc:
            return _error(str(exc), 409)


def _register_status(
    app: Flask, runtime: Runtime, token_required: bool, api_open: str | None = None
) -> None:
    @app.get("/api/stats")
    def stats() -> Response:
        return jsonify(runtime.stats())

    @app.get("/health")
    def health() -> tuple[Response, int]:
        ok, info = runtime.health()
        if api_open:  # what is open to the network: the broker (from the core), this API
            info["warnings"] = [
                *info.get("warnings", []),
                {"code": security.API_OPEN, "message": api_open},
            ]
        return jsonify(info), 200 if ok else 503

    @app.get("/openapi.json")
    def openapi() -> Response:
        offered = runtime.profile.assignors if runtime.profile else STANDARD_ASSIGNORS
        return jsonify(spec(token_required, runtime.ledger.capacity, offered))


def _register_export(app: Flask, runtime: Runtime) -> None:
    """Downloads of what the session saw; streamed, so memory stays bounded."""

    def attachment(name: str) -> dict[str, str]:
        return {"Content-Disposition": f'attachment; filename="{name}"'}

    @app.get("/api/export/messages")
    def export_messages() -> Response:
        query = export_query(runtime.ledger.capacity)
        n = v.parsed(query, request.args.to_dict()).limit
        lines = history_blocks(runtime.ledger, n)
        return Response(
            lines, mimetype="application/x-ndjson", headers=attachment("messages.jsonl")
        )

    @app.get("/api/export/traffic")
    def export_traffic() -> Response | tuple[Response, int]:
        s = runtime.settings
        try:
            blocks = traffic_chunks(s.log_file)
        except NoTrafficLog as exc:
            return _error(str(exc), 404)
        json_lines = s.log_format == "json"
        mimetype = "application/x-ndjson" if json_lines else "text/plain"
        name = "messages.log.jsonl" if json_lines else "messages.log"
        return Response(blocks, mimetype=mimetype, headers=attachment(name))
