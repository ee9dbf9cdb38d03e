/// The OpenAPI 3.1 description of the report service's routes (`GET /openapi.json`).
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": { "title": "Tributary report-service", "version": "1.0.0" },
      "components": {
        "schemas": {
          "ReportedEvent": {
            "type": "object",
            "required": ["EventType", "EventDescription", "OccuredOn"],
            "properties": {
              "EventType": { "type": "string", "enum": ["CustomerAdded", "CarAdded", "CarSold"] },
              "EventDescription": { "type": "string" },
              "OccuredOn": { "type": "string" },
              "EventId": { "type": "string" }
            }
          },
          "StoredEvent": {
            "allOf": [ { "$ref": "#/components/schemas/ReportedEvent" },
                       { "type": "object", "required": ["Id"], "properties": { "Id": { "type": "integer" } } } ]
          },
          "Error": { "type": "object", "properties": { "error": { "type": "string" } } }
        }
      },
      "paths": {
        "/health": { "get": { "summary": "Liveness", "responses": { "200": { "description": "{\"status\":\"ok\"}" } } } },
        "/ready": { "get": { "summary": "Readiness: the consumer has its partitions",
          "responses": { "200": { "description": "ready" }, "503": { "description": "not yet" } } } },
        "/api/v1/reported-events": { "get": {
          "summary": "Stored events, newest last",
          "parameters": [
            { "name": "type", "in": "query", "schema": { "type": "string", "enum": ["CustomerAdded", "CarAdded", "CarSold"] } },
            { "name": "limit", "in": "query", "description": "At most this many: the newest ones, or with after the next ones", "schema": { "type": "integer", "minimum": 1 } },
            { "name": "after", "in": "query", "description": "Only events with a larger Id (paging forward)", "schema": { "type": "integer", "minimum": 0 } } ],
          "responses": {
            "200": { "description": "events", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/StoredEvent" } } } } },
            "400": { "description": "bad query", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } } } },
        "/api/v1/report": { "get": { "summary": "Counts by type, cars sold, customers, last event time",
          "responses": { "200": { "description": "summary", "content": { "application/json": { "schema": { "type": "object" } } } } } } },
        "/api/v1/report.md": { "get": { "summary": "The report as Markdown",
          "responses": { "200": { "description": "Markdown", "content": { "text/markdown": {} } } } } },
        "/api/v1/report/html": { "get": { "summary": "The course's HTML report",
          "responses": { "200": { "description": "HTML", "content": { "text/html": {} } } } } },
        "/api/v1/report-event": { "post": { "summary": "Store one event (the course's synchronous path)",
          "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ReportedEvent" } } } },
          "responses": { "201": { "description": "stored" }, "200": { "description": "already stored" },
                         "400": { "description": "not a valid event", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } } } },
        "/api/v1/events/stream": { "get": { "summary": "Server-Sent Events: each newly stored event; with Last-Event-ID or after, first those stored since that id",
          "parameters": [
            { "name": "Last-Event-ID", "in": "header", "schema": { "type": "integer", "minimum": 0 } },
            { "name": "after", "in": "query", "schema": { "type": "integer", "minimum": 0 } } ],
          "responses": { "200": { "description": "event stream", "content": { "text/event-stream": {} } },
            "400": { "description": "bad id", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } } } },
        "/": { "get": { "summary": "Live dashboard", "responses": { "200": { "description": "HTML", "content": { "text/html": {} } } } } },
        "/metrics": { "get": { "summary": "Prometheus metrics", "responses": { "200": { "description": "text format" } } } },
        "/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI" } } } }
      }
    }
    """#
}
