"""The polite HTTP client of `etl collect`: httpx (async, HTTP/1.1), robots.txt (urllib.robotparser), a
concurrency and rate limit per host, timeouts, retries with exponential back-off (tenacity), redirects with a
bound (a loop is stopped), a size bound, and conditional requests (ETag / Last-Modified).

It stays outside: a link or a redirect to a loopback, private, link-local, multicast or otherwise reserved
address (after DNS resolution, checked again against the address actually connected to) is refused unless its
host is named in `Politeness.allow_hosts` (`etl collect --allow-host`, for an intranet's sites); only http and
https are followed. Redirects are followed here, hop by hop, each hop with the host's delay and robots.txt; each
request has a total deadline (a server trickling a byte at a time cannot hold it)."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)
USER_AGENT = "gov-report-collector/1.0 (government information disclosure annual reports; honours robots.txt)"


@dataclass
class Politeness:
    timeout: float = 20.0  # seconds without an answer before a request fails
    retries: int = 2  # further attempts after a timeout, a dropped connection, a 5xx or a 429
    backoff: float = 1.0  # first wait between attempts (doubles each time)
    per_host: int = 2  # requests in flight at once to one host
    delay: float = 0.5  # seconds between the starts of two requests to one host
    max_redirects: int = 5
    max_bytes: int = 100 * 2**20  # a larger answer is refused
    user_agent: str = USER_AGENT
    deadline: float = 120.0  # seconds one request may take in all, its body included
    allow_hosts: frozenset[str] = frozenset()  # hosts (names or addresses) fetched even when internal


class FetchError(Exception):
    """A URL that could not be fetched; the message (Chinese) names why."""


class _Retry(Exception):
    """A transient answer (5xx, 429): try again after the back-off."""

    def __init__(self, response: httpx.Response):
        self.response = response


@dataclass
class Fetched:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 when the copy we hold is still current
    content: bytes | None  # None on 304
    headers: httpx.Headers = field(default_factory=httpx.Headers)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            k, _, v = part.partition("=")
            if k.strip().lower() == "charset" and v.strip():
                return v.strip().strip('"').lower()
        return None

    def http_date(self, name: str) -> datetime | None:
        try:
            return parsedate_to_datetime(self.headers[name]) if name in self.headers else None
        except (TypeError, ValueError):
            return None


class _Host:
    """At most `per_host` requests in flight to one host, their starts at least `delay` seconds apart."""

    def __init__(self, per_host: int, delay: float):
        self.slots = asyncio.Semaphore(max(1, per_host))
        self.delay, self.next_start, self.lock = delay, 0.0, asyncio.Lock()
        self.robots: RobotFileParser | None = None
        self.robots_lock = asyncio.Lock()

    async def __aenter__(self):
        await self.slots.acquire()
        async with self.lock:
            wait = self.next_start - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.next_start = time.monotonic() + self.delay
        return self

    async def __aexit__(self, *exc):
        self.slots.release()


SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)


def internal(ip: str) -> bool:
    """Whether an address is one a collector must not reach from the outside: anything not globally routable
    (loopback, private, shared, link-local, unspecified, reserved) and multicast; an IPv4 address inside IPv6 is
    judged as itself."""
    a = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
        a = a.ipv4_mapped
    return a.is_multicast or not a.is_global


class Fetcher:
    def __init__(self, politeness: Politeness | None = None, transport: httpx.AsyncBaseTransport | None = None):
        self.p = politeness or Politeness()
        self.hosts: dict[str, _Host] = {}
        self.requests = 0
        # a transport given (tests) is not the network: there is no address to resolve or check
        self.network = transport is None
        self.allow = {h.lower().strip("[]") for h in self.p.allow_hosts}
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.p.timeout),
            follow_redirects=False,  # followed hop by hop (`_follow`), each hop checked
            headers={"User-Agent": self.p.user_agent},
            transport=transport,
            trust_env=False,
        )

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.client.aclose()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        if key not in self.hosts:
            self.hosts[key] = _Host(self.p.per_host, self.p.delay)
        return self.hosts[key]

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch `url` (read once per host; a missing robots.txt allows everything,
        an unreadable one (5xx, 401/403) allows nothing)."""
        host = self._host(url)
        async with host.robots_lock:
            if host.robots is None:
                parts = urlsplit(url)
                robots = RobotFileParser(f"{parts.scheme}://{parts.netloc}/robots.txt")
                try:
                    got = await self._get(robots.url, {}, robots=False)
                    robots.parse((got.content or b"").decode("utf-8", "replace").splitlines())
                except FetchError as e:
                    status = getattr(e, "status", None)
                    if status is None:
                        raise  # DNS, timeout, refused: the site itself is unreachable
                    if 400 <= status < 500 and status not in (401, 403):
                        robots.allow_all = True
                    else:
                        robots.disallow_all = True
                host.robots = robots
        return host.robots.can_fetch(self.p.user_agent, url)

    async def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET `url` politely; with the validators of the copy we hold, a 304 means it is still current."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._get(url, headers)

    async def _get(self, url: str, headers: dict, robots: bool = True) -> Fetched:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.p.retries + 1),
            reraise=True,
            wait=wait_exponential(multiplier=self.p.backoff, max=30 * max(self.p.backoff, 0.01)),
            retry=retry_if_exception(
                lambda e: isinstance(e, (_Retry, httpx.TimeoutException, httpx.NetworkError)) and not _is_dns(e)
            ),
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._follow(url, headers, robots)
        except _Retry as e:
            raise _status_error(url, e.response.status_code) from None
        except httpx.TimeoutException:
            raise FetchError(f"超时：{self.p.timeout:g} 秒内没有响应（已重试 {self.p.retries} 次）：{url}") from None
        except httpx.ConnectError as e:
            if _is_dns(e):
                raise FetchError(f"域名无法解析（DNS）：{urlsplit(url).hostname}") from None
            raise FetchError(f"无法连接到 {urlsplit(url).netloc}：{e}") from None
        except httpx.HTTPError as e:
            raise FetchError(f"请求失败：{url}：{type(e).__name__} {e}") from None
        raise AssertionError("unreachable")

    async def _follow(self, url: str, headers: dict, robots: bool) -> Fetched:
        """GET `url`, following redirects one hop at a time: every hop an http(s) URL, to an outside address (or an
        allowed host), allowed by its site's robots.txt, after its host's delay, within the request deadline."""
        for _ in range(self.p.max_redirects + 1):
            await self._check_target(url)
            if robots and not await self.allowed(url):
                raise FetchError(f"robots.txt 不允许采集：{url}")
            async with self._host(url):
                try:
                    async with asyncio.timeout(self.p.deadline):
                        got = await self._once(url, headers)
                except TimeoutError:
                    raise FetchError(f"超时：{self.p.deadline:g} 秒内没有收完（服务器响应过慢）：{url}") from None
            if isinstance(got, str):
                url = got
                continue
            return got
        raise FetchError(f"重定向超过 {self.p.max_redirects} 次（重定向循环？）：{url}")

    async def _check_target(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES:
            raise FetchError(f"不支持的链接协议（{parts.scheme or '无'}:），只采集 http 和 https 链接：{url}")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(f"链接没有主机名：{url}")
        if not self.network or host in self.allow:
            return
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise FetchError(f"域名无法解析（DNS）：{host}") from None
        bad = sorted({i[4][0] for i in infos if internal(i[4][0])})
        if bad:
            raise FetchError(_refused(host, bad[0], url))

    async def _once(self, url: str, headers: dict) -> Fetched | str:
        """One request: what it fetched, or the URL a redirect points to."""
        self.requests += 1
        async with self.client.stream("GET", url, headers=headers) as r:
            self._check_peer(r, url)
            if r.status_code in REDIRECTS and r.headers.get("location"):
                return urljoin(str(r.url), r.headers["location"])
            if r.status_code >= 500 or r.status_code == 429:
                raise _Retry(r)
            if r.status_code == 304:
                return Fetched(str(r.url), 304, None, r.headers)
            if r.status_code >= 400:
                raise _status_error(url, r.status_code)
            size = int(r.headers.get("content-length") or 0)
            if size > self.p.max_bytes:
                raise FetchError(f"文件过大（{size / 2**20:.0f} MB，上限 {self.p.max_bytes / 2**20:.0f} MB）：{url}")
            chunks, total = [], 0
            async for chunk in r.aiter_bytes():
                total += len(chunk)
                if total > self.p.max_bytes:
                    raise FetchError(f"文件过大（超过 {self.p.max_bytes / 2**20:.0f} MB）：{url}")
                chunks.append(chunk)
            return Fetched(str(r.url), r.status_code, b"".join(chunks), r.headers)

    def _check_peer(self, r: httpx.Response, url: str) -> None:
        """The address really connected to (a name may resolve anew between the check and the connection)."""
        stream = r.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        host = (urlsplit(url).hostname or "").lower()
        if self.network and peer and host not in self.allow and internal(str(peer[0])):
            raise FetchError(_refused(host, str(peer[0]), url))


def _refused(host: str, ip: str, url: str) -> str:
    return (
        f"拒绝访问内部地址：{host} 指向 {ip}（本机、内网、链路本地或组播地址），不采集。"
        f"如确需采集内网网站，请用 --allow-host {host} 明确允许：{url}"
    )


def _is_dns(e: BaseException) -> bool:
    while e is not None:
        if isinstance(e, socket.gaierror) or "Name or service not known" in str(e) or "nodename nor servname" in str(e):
            return True
        e = e.__cause__ or e.__context__
    return False


def _status_error(url: str, status: int) -> FetchError:
    what = {404: "页面不存在", 410: "页面已删除", 403: "禁止访问", 401: "需要登录"}.get(status)
    if what is None:
        what = "服务器出错" if status >= 500 else "请求被拒绝"
    e = FetchError(f"{what}（HTTP {status}）：{url}")
    e.status = status
    return e
