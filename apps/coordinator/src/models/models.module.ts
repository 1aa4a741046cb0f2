import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller.js';
import { ModelsService } from './models.service.js';

/** The model registry over HTTP: GET /models and PUT /models/default. */
@Module({ controllers: [ModelsController], providers: [ModelsService] })
export class ModelsModule {}
