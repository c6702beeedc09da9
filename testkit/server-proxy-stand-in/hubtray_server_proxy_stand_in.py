"""A stand-in for jupyter-server-proxy, for tests only.

The real extension is not packaged for Debian and this machine has no PyPI, so the tests load this one into Debian's
real jupyter-server (and jupyterhub-singleuser). It does what the real one (1.x to 4.x) does that hubtray relies on,
facts included:

- ``GET {base_url}server-proxy/servers-info``, authenticated, answers ``{"server_processes": [...]}`` (none here: the
  stand-in launches no processes of its own).
- ``{base_url}proxy/PORT/PATH``, authenticated, is proxied to ``http://localhost:PORT/PATH``; only ``localhost`` and
  ``127.0.0.1`` may be named (the real default host allowlist), the query string and the request's headers are handed
  on, and ``X-Forwarded-Context``, ``X-ProxyContextPath`` and ``X-Forwarded-Prefix`` name ``{base_url}proxy/PORT``.
- ``{base_url}proxy/PORT`` without its slash is redirected to the same with it.
- A port nothing listens on is a 500 (the connection error, raised from the fetch); a timeout a 599.
- Proxied requests count as the server's API activity (``api_last_activity``), as the real one records them.

Not here: websockets, ``proxy/absolute/``, server processes and launcher entries.
"""

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import httpclient, web

try:
    from jupyter_server.base.handlers import utcnow
except ImportError:  # older jupyter-server
    from datetime import datetime, timezone

    def utcnow():
        return datetime.now(timezone.utc)


ALLOWED_HOSTS = ("localhost", "127.0.0.1")
HOP_BY_HOP = ("Proxy-Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Connection", "Trailer", "Upgrade",
              "Proxy-Authorization", "Proxy-Authenticate")


class ServersInfo(JupyterHandler):
    @web.authenticated
    def get(self):
        self.write({"server_processes": []})


class AddSlash(JupyterHandler):
    @web.authenticated
    def get(self, *args):
        self.redirect(self.request.path + "/" + (f"?{self.request.query}" if self.request.query else ""))


class LocalProxy(JupyterHandler):
    SUPPORTED_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")

    def check_xsrf_cookie(self):
        # The proxied application decides about its own forms, as with the real extension.
        pass

    @web.authenticated
    async def proxy(self, host_and_port, path):
        host, _, port = host_and_port.rpartition(":")
        host = host or "localhost"
        if host not in ALLOWED_HOSTS:
            self.set_status(403)
            self.write(f"Host '{host}' is not allowed.")
            return
        for header in HOP_BY_HOP:
            self.request.headers.pop(header, None)
        self.settings["api_last_activity"] = utcnow()
        context = url_path_join(self.base_url, "proxy", host_and_port)
        headers = self.request.headers.copy()
        headers["X-Forwarded-Context"] = headers["X-ProxyContextPath"] = headers["X-Forwarded-Prefix"] = context
        uri = f"http://{host}:{port}/{path}" + (f"?{self.request.query}" if self.request.query else "")
        body = self.request.body or (b"" if self.request.method == "POST" else None)
        request = httpclient.HTTPRequest(uri, method=self.request.method, body=body, headers=headers,
                                         decompress_response=False, follow_redirects=False,
                                         allow_nonstandard_methods=True, request_timeout=20)
        try:
            response = await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
        except httpclient.HTTPError as err:
            if err.code != 599:
                raise
            self.set_status(599)
            self.write(str(err))
            return
        self.settings["api_last_activity"] = utcnow()
        if response.error and not isinstance(response.error, httpclient.HTTPError):
            self.set_status(500)
            self.write(str(response.error))
            return
        self.set_status(response.code, response.reason)
        self.clear_header("Content-Type")
        for name, value in response.headers.get_all():
            if name not in ("Content-Length", "Transfer-Encoding", "Connection"):
                self.add_header(name, value)
        if response.body:
            self.write(response.body)

    get = post = put = delete = head = patch = options = proxy


def _jupyter_server_extension_points():
    return [{"module": "hubtray_server_proxy_stand_in"}]


def _load_jupyter_server_extension(serverapp):
    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*", [
        (url_path_join(base, r"server-proxy/servers-info"), ServersInfo),
        (url_path_join(base, r"proxy/((?:[^/:]+:)?\d+)"), AddSlash),
        (url_path_join(base, r"proxy/((?:[^/:]+:)?\d+)/(.*)"), LocalProxy),
    ])


load_jupyter_server_extension = _load_jupyter_server_extension
