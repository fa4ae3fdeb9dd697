/**
 * The page at `/` (plain HTML, CSS and JavaScript, no framework), the view as
 * JSON at `/api/view`, and its changes as server-sent events at `/api/events`.
 */
import { Controller, Get, Header, Sse, type MessageEvent } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { InventoryView, type ViewSnapshot } from '../inventory/inventory-view';
import { LiveUpdates } from './live-updates';

/** The page's files, read once. */
function asset(name: string): string {
  return readFileSync(join(__dirname, 'public', name), 'utf8');
}

/** Serves the page and its data. */
@Controller()
export class LiveController {
  private readonly page = {
    html: asset('index.html'),
    js: asset('dashboard.js'),
    css: asset('dashboard.css'),
  };

  constructor(
    private readonly view: InventoryView,
    private readonly live: LiveUpdates,
  ) {}

  /** The page. */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return this.page.html;
  }

  /** The page's script. */
  @Get('dashboard.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return this.page.js;
  }

  /** The page's style sheet. */
  @Get('dashboard.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  style(): string {
    return this.page.css;
  }

  /** The whole view: stores, items, recent sales windows, recent alerts. */
  @Get('api/view')
  snapshot(): ViewSnapshot {
    return this.view.snapshot();
  }

  /** Live changes: `snapshot`, then `store`, `item`, `sales`, `alert` (and `ping`). */
  @Sse('api/events')
  events(): Observable<MessageEvent> {
    return this.live.stream();
  }
}
