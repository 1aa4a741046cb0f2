import { Module } from '@nestjs/common';
import { IngestController } from './ingest.controller.js';
import { IngestService } from './ingest.service.js';
import { RawObjects } from './raw-objects.js';

@Module({ controllers: [IngestController], providers: [IngestService, RawObjects] })
export class IngestModule {}
