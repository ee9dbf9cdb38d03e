import Foundation
import TestSupport

/// GET over plain HTTP/1.1 on loopback; returns status and body.
func httpGet(port: Int, path: String) async throws -> (Int, String) {
    let socket = try RawSocket(port: port)
    socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
    let response = String(decoding: await socket.receiveAll(), as: UTF8.self)
    let status = Int(response.split(separator: " ").dropFirst().first ?? "") ?? -1
    let body = response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return (status, body)
}

