# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local HTTP server on 127.0.0.1 that stands in for a VIP: the lab tools' tests tell it
how to answer."""

from __future__ import absolute_import, division, print_function

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def http_server():
    """A server whose answer to request n (from 0), at t seconds after start(), is
    answer(n, t): a page, ('truncated', page), ('status', code) or ('close',)."""
    state = {'answer': lambda n, t: 'web1', 'count': 0, 't0': time.monotonic()}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            with lock:
                n = state['count']
                state['count'] += 1
            answer = state['answer'](n, time.monotonic() - state['t0'])
            if isinstance(answer, str):
                answer = ('page', answer)
            if answer[0] == 'close':
                self.close_connection = True
                return
            if answer[0] == 'status':
                self.send_error(answer[1])
                return
            body = answer[1].encode()
            self.send_response(200)
            # a truncated answer promises more than it sends, then closes
            self.send_header('Content-Length', str(len(body) + (10 if answer[0] == 'truncated' else 0)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def start(answer):
        state.update(answer=answer, count=0, t0=time.monotonic())
        return 'http://127.0.0.1:%d/' % httpd.server_port

    yield start
    httpd.shutdown()
    httpd.server_close()
